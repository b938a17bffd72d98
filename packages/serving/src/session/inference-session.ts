import { loadModel, type CausalLM, type StreamOptions } from '@medgpt/models';
import {
  ChatTemplateError,
  chatTemplateFromConfig,
  getConversationTemplate,
  type ChatTemplate,
  type DialogPair,
  type TokenizerConfig,
} from '@medgpt/templates';
import type { PeftModel } from '@medgpt/peft';
import { loadKbitModel } from '@medgpt/quant';
import { loadTokenizer, type Tokenizer } from '@medgpt/tokenizer';
import { ServingError } from '../serving-error.js';
import { encodePrompt } from './encode-prompt.js';
import { checkGenerationFlags, resolveGenerationFlags } from './generation-flags.js';
import type { InferenceSettings, ResolveDir } from './inference-settings.js';
import { loadLoraModel, type LoraModel } from './load-lora-model.js';
import { chatTemplateFormat, namedTemplateFormat, type PromptFormat } from './prompt-format.js';
import { resolveStopSettings } from './stop-settings.js';
import { templateEosWarnings } from './template-eos-warnings.js';

export interface LoadSessionOptions {
  /**
   * Turns `base_model`, `tokenizer_path` and `lora_model` into directories (the CLI resolves Hub ids
   * with download progress). Default: they are directories.
   */
  readonly resolveDir?: ResolveDir;
  /** One line per call: downloads, model, adapter, warnings. Default: dropped. */
  readonly log?: (line: string) => void;
}

const asDir: ResolveDir = async (dir) => dir;

/**
 * A loaded model ready to answer, as demo/inference.py sets it up: the tokenizer, the model with its
 * generation_config.json, the prompt format (named
 * template or the tokenizer's chat template), the stop rules and the sampling options.
 */
export class InferenceSession {
  private constructor(
    readonly model: CausalLM,
    /** The LoRA adapter's wrapper (`lora_model`, loaded as adapter 'default'), freed with the session. */
    readonly peft: PeftModel | null,
    readonly tokenizer: Tokenizer,
    readonly format: PromptFormat,
    /** Options of every generate call (sampling, stops, tokenizer); the seed comes from `seedFor`. */
    readonly generateOptions: StreamOptions,
    private readonly seed: number | undefined,
  ) {}

  /**
   * Loads everything `flags` name, on the tensor backend already selected. Problems that only make
   * the answers worse (template / EOS disagreement) are logged, not thrown; bad settings throw a
   * ServingError naming the setting.
   */
  static async load(flags: InferenceSettings, options: LoadSessionOptions = {}): Promise<InferenceSession> {
    const log = options.log ?? (() => {});
    const resolveDir = options.resolveDir ?? asDir;
    refuseUnsupported(flags);
    checkGenerationFlags(flags);
    const template = flags.template_name ? getConversationTemplate(flags.template_name) : undefined;
    // The model first: its download brings the tokenizer files of the same repo along.
    const modelDir = await resolveDir(flags.base_model, { kind: 'model', option: 'base_model' });
    const tokenizerDir = await resolveDir(flags.tokenizer_path ?? flags.base_model, {
      kind: 'tokenizer',
      option: flags.tokenizer_path === undefined ? 'base_model' : 'tokenizer_path',
    });
    // As inference.py: the tokenizer as saved. (Training's special-token fallbacks would change what a
    // chat template renders for bos_token; the stop rules below cover a missing eos.)
    const tokenizer = await loadTokenizer(tokenizerDir);
    const chatTemplate = template ? undefined : tokenizerChatTemplate(tokenizer, tokenizerDir);
    const base = await loadBase(modelDir, flags);
    let loaded: LoraModel = { model: base, peft: null };
    try {
      loaded = await loadLoraModel({
        model: base,
        tokenizer,
        loraModel: flags.lora_model,
        resizeEmb: flags.resize_emb,
        resolveDir,
        log,
      });
      const model = loaded.model;
      checkVocabulary(model, tokenizer, log);
      const warnings = templateEosWarnings({
        template,
        chatTemplate,
        tokenizer,
        generationEosIds: model.generationConfig.eosTokenIds,
      });
      for (const line of warnings) log(`[medgpt] ${line}`);
      const format = template ? namedTemplateFormat(template) : chatTemplateFormat(chatTemplate!);
      const options = streamOptions(flags, model, tokenizer, template?.stopStr);
      log(
        `[medgpt] model: ${flags.base_model} (${model.config.modelType}, ${model.config.numHiddenLayers} layers); ` +
          `prompt: ${format.description}; stop: ${JSON.stringify(options.stopStrings?.[0])} or eos`,
      );
      return new InferenceSession(model, loaded.peft, tokenizer, format, options, flags.seed);
    } catch (err) {
      loaded.peft?.dispose();
      loaded.model.dispose(); // the resized model, or the base itself (dispose is idempotent)
      base.dispose();
      throw err;
    }
  }

  /** Token ids of the prompt for `query` after `history`. */
  promptIds(history: readonly DialogPair[], query: string, systemPrompt: string): number[] {
    return encodePrompt(this.tokenizer, this.format.build(history, query, systemPrompt));
  }

  /** The seed of the `call`-th generation: `--seed` + call, so each answer draws fresh numbers, reproducibly. */
  seedFor(call: number): bigint | undefined {
    return this.seed === undefined ? undefined : BigInt(this.seed) + BigInt(call);
  }

  dispose(): void {
    this.peft?.dispose();
    this.model.dispose();
  }
}

function refuseUnsupported(flags: InferenceSettings): void {
  if (flags.load_in_8bit && flags.load_in_4bit) {
    throw new ServingError('unsupported', 'load_in_8bit and load_in_4bit: choose one', 'load_in_8bit');
  }
}

/**
 * The base model as inference.py loads it: in full precision, or with --load_in_8bit (LLM.int8()) /
 * --load_in_4bit (bitsandbytes' default FP4) its decoder linear weights quantised as they load.
 */
async function loadBase(dir: string, flags: InferenceSettings): Promise<CausalLM> {
  if (!flags.load_in_8bit && !flags.load_in_4bit) return loadModel(dir);
  const kbit = flags.load_in_8bit ? { bits: 8 as const } : { bits: 4 as const, quantType: 'fp4' as const };
  return (await loadKbitModel(dir, kbit)).model;
}

function tokenizerChatTemplate(tokenizer: Tokenizer, dir: string): ChatTemplate {
  const config = { ...tokenizer.tokenizerConfig, chat_template: tokenizer.chatTemplate };
  try {
    return chatTemplateFromConfig(config as TokenizerConfig);
  } catch (err) {
    if (err instanceof ChatTemplateError) throw new ChatTemplateError(`${dir}: ${err.message}`);
    throw err;
  }
}

function checkVocabulary(model: CausalLM, tokenizer: Tokenizer, log: (line: string) => void): void {
  const rows = model.config.vocabSize;
  if (tokenizer.vocabSize > rows) {
    log(
      `[medgpt] warning: the tokenizer has ${tokenizer.vocabSize} ids but the model only ${rows} embedding ` +
        `rows: a prompt with a token id >= ${rows} will fail (--resize_emb resizes the embeddings)`,
    );
  }
}

/** Sampling (flags over generation_config.json), stop rules, padding, and the tokenizer for text. */
function streamOptions(
  flags: InferenceSettings,
  model: CausalLM,
  tokenizer: Tokenizer,
  templateStopStr: string | undefined,
): StreamOptions {
  const stops = resolveStopSettings({
    stopStr: flags.stop_str,
    templateStopStr,
    tokenizer,
    vocabSize: model.config.vocabSize,
  });
  return {
    ...resolveGenerationFlags(flags, model.rawGenerationConfig),
    ...stops,
    ...padFor(model, tokenizer),
    tokenizer,
  };
}

// Left padding of a batch needs a pad id; generation_config.json's pad, else eos, else the tokenizer's.
function padFor(model: CausalLM, tokenizer: Tokenizer): { padTokenId?: number } {
  const g = model.generationConfig;
  if (g.padTokenId !== null || g.eosTokenIds.length > 0) return {};
  const pad = tokenizer.padTokenId ?? tokenizer.eosTokenId;
  return pad !== null && pad < model.config.vocabSize ? { padTokenId: pad } : {};
}
