import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveModelDir } from '@medgpt/hub';
import { TextEmbedder } from '@medgpt/serving';
import type { CliIo } from '../cli-io.js';
import { cliHubOptions } from '../hub/cli-hub-options.js';

/**
 * chatpdf's `--sim_model`: a model directory or Hub id loaded as a TextEmbedder on the backend already
 * started. Its name in saved dense indexes is the Hub id as given, or the directory's absolute path (so
 * `./m` and `m` are one model). Errors name the flag.
 */
export async function loadTextEmbedder(
  simModel: string,
  io: Pick<CliIo, 'env'>,
  log: (line: string) => void,
): Promise<TextEmbedder> {
  try {
    const dir = await resolveModelDir(simModel, {
      ...cliHubOptions(io, log),
      kind: 'model',
      option: 'sim_model',
    });
    const embedder = await TextEmbedder.load(dir, {
      name: existsSync(simModel) ? resolve(simModel) : simModel,
    });
    const { modelType, numHiddenLayers, hiddenSize } = embedder.model.config;
    log(
      `[medgpt] sim_model: ${simModel} (${modelType}, ${numHiddenLayers} layers, ${hiddenSize}-dim embeddings)`,
    );
    return embedder;
  } catch (err) {
    const message = (err as Error).message;
    throw message.includes('--sim_model')
      ? err
      : new Error(`--sim_model ${simModel}: ${message}`, { cause: err });
  }
}
