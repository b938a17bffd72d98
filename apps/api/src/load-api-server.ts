import {
  InferenceEngine,
  InferenceSession,
  ServingError,
  type InferenceSettings,
  type ResolveDir,
} from '@medgpt/serving';
import type { PeftModel } from '@medgpt/peft';
import type { ApiLimits, ApiRagOptions } from './api-server-options.js';
import { createApiServer, type ApiServer } from './create-api-server.js';

/** One `--lora_modules name=DIR`: an adapter served as the model `name`. */
export interface LoraModule {
  readonly name: string;
  readonly path: string;
}

export interface LoadApiServerOptions {
  /** The model, tokenizer, template, stop string and sampling defaults (demo/inference.py's names). */
  readonly settings: InferenceSettings;
  readonly loraModules?: readonly LoraModule[];
  /** The base model's id (vLLM's --served-model-name). Default: `settings.base_model`. */
  readonly servedModelName?: string;
  /** Sequences decoded together (vLLM's --max-num-seqs). Default 8. */
  readonly maxNumSeqs?: number;
  /** Tokens per sequence, prompt included (vLLM's --max-model-len). */
  readonly maxModelLen?: number;
  readonly toolFormat?: string;
  readonly apiKey?: string;
  readonly limits?: ApiLimits;
  /** Documents chat requests may ask to be answered from (`"rag"`); loaded by the caller. */
  readonly rag?: ApiRagOptions;
  readonly resolveDir?: ResolveDir;
  readonly log?: (line: string) => void;
}

/** A loaded model behind a server; `close` stops the server, then the engine, then frees the weights. */
export interface LoadedApiServer {
  readonly server: ApiServer;
  readonly engine: InferenceEngine;
  close(): Promise<void>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** `name=DIR` as vLLM's --lora-modules writes it; the name is checked (letters, digits, `._-`). */
export function parseLoraModule(text: string): LoraModule {
  const at = text.indexOf('=');
  const name = text.slice(0, at);
  const path = text.slice(at + 1);
  if (at < 0 || !NAME.test(name) || path.length === 0)
    throw new ServingError(
      'invalid-option',
      `lora_modules expects name=DIR with a name of letters, digits, '.', '_' or '-', got ${JSON.stringify(text)}`,
      'lora_modules',
    );
  return { name, path };
}

/**
 * Loads what `medgpt serve` serves: the session (model, tokenizer, template with its EOS check, stop
 * rules, sampling defaults), every LoRA module as a named adapter of one PeftModel, the engine, and
 * an API server over them (not yet listening).
 */
export async function loadApiServer(options: LoadApiServerOptions): Promise<LoadedApiServer> {
  const { settings, loraModules = [] } = options;
  const servedName = options.servedModelName ?? settings.base_model;
  const names = new Set([servedName]);
  for (const m of loraModules) {
    if (names.has(m.name))
      throw new ServingError(
        'invalid-option',
        `lora_modules: the name '${m.name}' is used twice`,
        'lora_modules',
      );
    names.add(m.name);
  }
  if (settings.lora_model !== undefined)
    throw new ServingError('invalid-option', 'serve takes adapters as lora_modules name=DIR', 'lora_model');
  const session = await InferenceSession.load(settings, { resolveDir: options.resolveDir, log: options.log });
  let peft: PeftModel | null = null;
  try {
    if (loraModules.length > 0) {
      const { PeftModel } = await import('@medgpt/peft');
      peft = new PeftModel(session.model);
      for (const m of loraModules) {
        const dir = options.resolveDir
          ? await options.resolveDir(m.path, { kind: 'adapter', option: 'lora_modules' })
          : m.path;
        const adapter = await peft.loadAdapter(dir, m.name, { trainable: false });
        options.log?.(`[medgpt] LoRA module '${m.name}': ${m.path} (r ${adapter.config.r})`);
      }
    }
    const engine = new InferenceEngine(session.model, {
      tokenizer: session.tokenizer,
      peft,
      defaults: session.generateOptions,
      maxSequences: options.maxNumSeqs,
      maxModelLen: options.maxModelLen,
    });
    const server = createApiServer({
      engine,
      tokenizer: session.tokenizer,
      format: session.format,
      modelName: servedName,
      adapters: loraModules.map((m) => m.name),
      stopStrings: session.generateOptions.stopStrings ?? [],
      systemPrompt: settings.system_prompt,
      toolFormat: options.toolFormat,
      apiKey: options.apiKey,
      limits: options.limits,
      rag: options.rag,
    });
    return {
      server,
      engine,
      async close() {
        await server.close();
        await engine.close();
        peft?.dispose();
        session.dispose();
      },
    };
  } catch (err) {
    peft?.dispose();
    session.dispose();
    throw err;
  }
}
