import { resolveModelDir } from '@medgpt/hub';
import type { CliIo } from '../cli-io.js';
import { cliHubOptions } from './cli-hub-options.js';

/**
 * `--model_name_or_path` and the optional `--tokenizer_name_or_path` as local directories: paths as
 * they are, Hub ids from the Hugging Face cache (or downloaded into it, progress through `log`).
 */
export async function resolveModelAndTokenizer(
  options: { model_name_or_path: string; tokenizer_name_or_path?: string },
  io: Pick<CliIo, 'env'>,
  log: (line: string) => void,
): Promise<{ model: string; tokenizer: string | undefined }> {
  const hub = cliHubOptions(io, log);
  const model = await resolveModelDir(options.model_name_or_path, {
    ...hub,
    kind: 'model',
    option: 'model_name_or_path',
  });
  const tokenizer =
    options.tokenizer_name_or_path === undefined
      ? undefined
      : await resolveModelDir(options.tokenizer_name_or_path, {
          ...hub,
          kind: 'tokenizer',
          option: 'tokenizer_name_or_path',
        });
  return { model, tokenizer };
}
