import { once } from 'node:events';
import { loadApiServer, parseLoraModule } from '@medgpt/api';
import { resolveModelDir } from '@medgpt/hub';
import { checkGenerationFlags, type TextEmbedder } from '@medgpt/serving';
import { initCliBackend } from '../backend-init.js';
import type { CliIo } from '../cli-io.js';
import { EXIT_OK } from '../command.js';
import type { ServeCommandOptions } from '../commands/serve.js';
import { cliHubOptions } from '../hub/cli-hub-options.js';
import type { InferenceFlags } from '../inference/inference-options.js';
import { toCliError } from '../inference/load-inference-session.js';
import { loadTextEmbedder } from '../inference/load-text-embedder.js';
import {
  checkServeDocumentFlags,
  loadServeDocuments,
  splitServeDocumentFlags,
  type ServeDocumentFlags,
} from './load-serve-documents.js';

export interface ServeFlags extends Omit<InferenceFlags, 'base_model'>, ServeDocumentFlags {
  model_name_or_path: string;
  lora_modules?: string[];
  served_model_name?: string;
  host: string;
  port: number;
  api_key?: string;
  max_num_seqs: number;
  max_model_len?: number;
  tool_format: string;
  max_request_bytes: number;
}

/** `medgpt serve` once its options are parsed: load, listen, print the URL, and close on a signal. */
export async function runServe(flags: ServeFlags, io: CliIo, setup: ServeCommandOptions): Promise<number> {
  const log = (line: string) => io.stderr(`${line}\n`);
  const hub = cliHubOptions(io, log);
  const [docFlags, serveFlags] = splitServeDocumentFlags(flags);
  const { model_name_or_path, lora_modules, served_model_name, host, port, api_key, ...rest } = serveFlags;
  const sim_model = docFlags.sim_model;
  let loaded;
  let embedder: TextEmbedder | undefined;
  try {
    const settings = { ...rest, base_model: model_name_or_path };
    checkGenerationFlags(settings);
    const loraModules = (lora_modules ?? []).map(parseLoraModule);
    // Before the model: a bad document flag or file fails fast. Dense vectors need the backend first.
    const hasDocuments = checkServeDocumentFlags(docFlags);
    let rag = hasDocuments && sim_model === undefined ? await loadServeDocuments(docFlags, log) : undefined;
    await initCliBackend({ backend: flags.backend, device: flags.device, env: { ...io.env }, log });
    if (hasDocuments && sim_model !== undefined) {
      embedder = await loadTextEmbedder(sim_model, io, log);
      rag = await loadServeDocuments(docFlags, log, embedder);
    }
    loaded = await loadApiServer({
      settings,
      loraModules,
      servedModelName: served_model_name,
      maxNumSeqs: flags.max_num_seqs,
      maxModelLen: flags.max_model_len,
      toolFormat: flags.tool_format,
      apiKey: api_key ?? io.env.MEDGPT_API_KEY,
      limits: { maxBodyBytes: flags.max_request_bytes },
      rag,
      resolveDir: (id, request) => resolveModelDir(id, { ...hub, ...request }),
      log,
    });
  } catch (err) {
    embedder?.dispose();
    throw toCliError(err);
  }
  try {
    const { url } = await loaded.server.listen({ host, port });
    io.stdout(`medgpt serve: listening on ${url} (OpenAI base URL ${url}/v1)\n`);
    setup.onListening?.(url);
    await stopped(setup.stop);
    io.stderr('medgpt serve: shutting down\n');
    return EXIT_OK;
  } finally {
    await loaded.close();
    embedder?.dispose();
  }
}

// SIGINT / SIGTERM, or the test's signal.
async function stopped(stop: AbortSignal | undefined): Promise<void> {
  if (stop) {
    if (!stop.aborted) await once(stop, 'abort');
    return;
  }
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await once(controller.signal, 'abort');
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
