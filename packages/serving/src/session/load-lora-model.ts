import type { CausalLM } from '@medgpt/models';
import type { PeftModel } from '@medgpt/peft';
import type { Tokenizer } from '@medgpt/tokenizer';
import type { ResolveDir } from './inference-settings.js';

export interface LoadLoraModelInput {
  /** Consumed: with --resize_emb it is replaced by the resized model. */
  readonly model: CausalLM;
  readonly tokenizer: Tokenizer;
  /** `--lora_model`: a PEFT adapter directory or Hub id. */
  readonly loraModel?: string;
  /** Turns `loraModel` into a directory (default: it is one). */
  readonly resolveDir?: ResolveDir;
  /** `--resize_emb`: resize the embeddings to the tokenizer's length first. */
  readonly resizeEmb?: boolean;
  readonly log: (line: string) => void;
}

export interface LoraModel {
  readonly model: CausalLM;
  /** The adapter wrapper, when an adapter was loaded (its hook routes the model's linears). */
  readonly peft: PeftModel | null;
}

/**
 * inference.py's model setup after loading the base: `--resize_emb` resizes the embeddings to
 * `len(tokenizer)` when they differ, then `--lora_model` is applied as `PeftModel.from_pretrained` does:
 * not merged, run through the adapter at every step, no dropout. On error nothing stays allocated
 * but `input.model`, which the caller still owns.
 */
export async function loadLoraModel(input: LoadLoraModelInput): Promise<LoraModel> {
  const { tokenizer, log } = input;
  let model = input.model;
  const resize = input.resizeEmb === true && model.config.vocabSize !== tokenizer.vocabSize;
  if (!resize && !input.loraModel) return { model, peft: null };
  // Only runs with an adapter or a resize load @medgpt/peft.
  const { PeftModel, resizeTokenEmbeddings } = await import('@medgpt/peft');
  if (resize) {
    log(
      `[medgpt] resizing the model's embeddings from ${model.config.vocabSize} to the tokenizer's ${tokenizer.vocabSize} ids`,
    );
    model = resizeTokenEmbeddings(model, tokenizer.vocabSize);
  }
  if (!input.loraModel) return { model, peft: null };
  const peft = new PeftModel(model);
  try {
    const dir = input.resolveDir
      ? await input.resolveDir(input.loraModel, { kind: 'adapter', option: 'lora_model' })
      : input.loraModel;
    const adapter = await peft.loadAdapter(dir, 'default', { trainable: false });
    log(`[medgpt] LoRA adapter: ${input.loraModel} (r ${adapter.config.r}, ${adapter.modules.size} layers)`);
    return { model, peft };
  } catch (err) {
    peft.dispose();
    if (model !== input.model) model.dispose();
    throw err;
  }
}
