import { copyFile, rename, unlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointWriteResult } from '@medgpt/core-tensor';
import { loadModel, saveModel, type ModelDtype } from '@medgpt/models';
import { readAdapterConfig } from '../io/load-adapter.js';
import { PeftModel } from '../peft-model.js';
import { resizeTokenEmbeddings } from './resize-token-embeddings.js';
import { tokenizerLength } from './tokenizer-length.js';
import { tokenizerPadId } from './tokenizer-pad-id.js';

/** Files MedicalGPT's merge_peft_adapter.py copies verbatim from the tokenizer (or base) directory. */
export const MERGE_COPIED_FILES = [
  'tokenizer_config.json',
  'tokenizer.json',
  'chat_template.jinja',
  'preprocessor_config.json',
  'video_preprocessor_config.json',
  'special_tokens_map.json',
  'vocab.json',
  'merges.txt',
  'configuration.json',
  'generation_config.json',
  'tokenizer.model',
] as const;

export interface MergePeftAdapterOptions {
  /** The base model directory (MedicalGPT's --base_model). */
  baseModel: string;
  /** The adapter directory (--lora_model). */
  loraModel: string;
  /** Where the merged model goes (--output_dir). */
  outputDir: string;
  /** Tokenizer directory (--tokenizer_path); default the base model's. */
  tokenizerPath?: string;
  /** Resize the embeddings to len(tokenizer) before merging (--resize_emb), for extended vocabularies. */
  resizeEmb?: boolean;
  /** Largest shard (default "10GB", as merge_peft_adapter.py). */
  maxShardSize?: number | string;
  /** Storage dtype of the merged weights: 'auto' (default) keeps the base's config.json dtype. */
  dtype?: ModelDtype | 'auto';
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface MergeReport {
  /** Weight files written. */
  weights: CheckpointWriteResult;
  /** Tokenizer/config files copied from the tokenizer directory. */
  copied: string[];
  /** Adapted linear layers folded in. */
  mergedLayers: number;
  /** [old, new] vocabulary size when --resize_emb changed it. */
  resized: [number, number] | null;
}

/**
 * MedicalGPT's tools/merge_peft_adapter.py: loads the base model, applies the LoRA adapter, folds it in
 * (merge_and_unload; modules_to_save and trained biases become the model's parameters) and saves a full
 * Hugging Face checkpoint that transformers loads, then copies the tokenizer and generation files so
 * chat_template and friends survive verbatim.
 */
export async function mergePeftAdapter(o: MergePeftAdapterOptions): Promise<MergeReport> {
  const log = o.log ?? (() => undefined);
  const config = await readAdapterConfig(o.loraModel);
  log(`Base model: ${o.baseModel}`);
  log(
    `LoRA model: ${o.loraModel} (r=${config.r}, lora_alpha=${config.lora_alpha}${config.use_dora ? ', DoRA' : ''})`,
  );
  // A reward-model adapter (SEQ_CLS) merges into a sequence classifier, as merge_peft_adapter.py loads
  // AutoModelForSequenceClassification(num_labels=1) for it; its score head comes from the adapter.
  const classifier = config.task_type === 'SEQ_CLS';
  let model = await loadModel(o.baseModel, classifier ? { numLabels: 1 } : {});
  const tokenizerDir = o.tokenizerPath ?? o.baseModel;
  if (classifier && model.config.padTokenId === null) {
    model.setPadTokenId(await tokenizerPadId(tokenizerDir));
    log(
      `pad_token_id ${model.config.padTokenId} (from the tokenizer): rewards are read at the last non-pad token`,
    );
  }
  let resized: [number, number] | null = null;
  if (o.resizeEmb) {
    const n = await tokenizerLength(tokenizerDir);
    if (n !== model.config.vocabSize) {
      resized = [model.config.vocabSize, n];
      log(`Resizing token embeddings: ${resized[0]} -> ${n}`);
      model = resizeTokenEmbeddings(model, n);
    }
  }
  try {
    const peft = new PeftModel(model);
    try {
      await peft.loadAdapter(o.loraModel, 'default', { trainable: false });
    } catch (e) {
      peft.dispose();
      throw e;
    }
    const mergedLayers = peft.adapter('default').modules.size;
    peft.mergeAndUnload();
    const weights = await saveModel(model, o.outputDir, {
      maxShardSize: o.maxShardSize ?? '10GB',
      dtype: o.dtype,
    });
    const copied: string[] = [];
    for (const name of MERGE_COPIED_FILES) {
      const from = join(tokenizerDir, name);
      if (!existsSync(from)) continue;
      const to = join(o.outputDir, name);
      const temp = `${to}.${process.pid}.tmp`;
      try {
        await copyFile(from, temp);
        await rename(temp, to);
      } catch (e) {
        await unlink(temp).catch(() => undefined);
        throw e;
      }
      copied.push(name);
    }
    log(
      `Done! merged model saved to ${o.outputDir} (${mergedLayers} layers merged, ${weights.files.length} weight file(s))`,
    );
    return { weights, copied, mergedLayers, resized };
  } finally {
    model.dispose();
  }
}
