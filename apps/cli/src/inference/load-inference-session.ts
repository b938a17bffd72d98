import { resolveModelDir } from '@medgpt/hub';
import { checkGenerationFlags, InferenceSession, ServingError } from '@medgpt/serving';
import { UsageError } from '../args/usage-error.js';
import { initCliBackend } from '../backend-init.js';
import type { CliIo } from '../cli-io.js';
import { cliHubOptions } from '../hub/cli-hub-options.js';
import type { InferenceFlags } from './inference-options.js';

/**
 * `chat` and `predict`'s model: the backend `--backend` / `--device` select, then the session, with
 * Hub ids resolved from the Hugging Face cache of `io.env`'s HF_* variables (else downloaded, progress
 * through `log`). A bad setting becomes a usage error naming its flag (exit 2).
 */
export async function loadInferenceSession(
  flags: InferenceFlags,
  io: Pick<CliIo, 'env'>,
  log: (line: string) => void,
): Promise<InferenceSession> {
  const hub = cliHubOptions(io, log);
  try {
    checkGenerationFlags(flags); // before the backend starts: a typo fails at once
    await initCliBackend({ backend: flags.backend, device: flags.device, env: { ...io.env }, log });
    return await InferenceSession.load(flags, {
      log,
      resolveDir: (id, request) => resolveModelDir(id, { ...hub, ...request }),
    });
  } catch (err) {
    throw toCliError(err);
  }
}

/** A ServingError in the CLI's terms: options are flags (`--top_p`); bad values are usage errors. */
export function toCliError(err: unknown): unknown {
  if (!(err instanceof ServingError) || err.param === undefined) return err;
  const message = err.message.startsWith(err.param) ? `--${err.message}` : err.message;
  return err.code === 'invalid-option' ? new UsageError(message) : new Error(message);
}
