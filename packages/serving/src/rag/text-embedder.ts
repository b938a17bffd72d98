import { loadModel, ModelError, type CausalLM } from '@medgpt/models';
import type { EmbeddingModelId } from '@medgpt/rag';
import { loadTokenizer, type Tokenizer } from '@medgpt/tokenizer';
import { ServingError } from '../serving-error.js';
import { embedTexts, type EmbedTextsOptions } from './embed-texts.js';

export interface LoadTextEmbedderOptions extends EmbedTextsOptions {
  /** The model's identity stored with its vectors (a Hub id, an absolute path). Default `dir`. */
  name?: string;
}

/**
 * A causal LM used as a sentence-embedding model (chatpdf.py's --sim_model): embedTexts over one loaded
 * model and its tokenizer, with the identity a DenseIndex records. Encoder models such as BERT
 * (chatpdf.py's default, shibing624/text2vec-base-multilingual) are not supported: @medgpt/models
 * loads decoder LMs (Llama, Qwen2/2.5, Qwen3, Mistral) only.
 */
export class TextEmbedder {
  readonly id: EmbeddingModelId;

  constructor(
    readonly model: CausalLM,
    readonly tokenizer: Tokenizer,
    name: string,
    private readonly options: EmbedTextsOptions = {},
  ) {
    this.id = { name, dimension: model.config.hiddenSize };
  }

  /**
   * Loads the model and tokenizer of `dir` on the tensor backend already selected; the model first, so an
   * encoder's config.json gives the error.
   */
  static async load(dir: string, options: LoadTextEmbedderOptions = {}): Promise<TextEmbedder> {
    const { name = dir, ...embed } = options;
    let model: CausalLM;
    try {
      model = await loadModel(dir);
    } catch (err) {
      if (err instanceof ModelError && err.field === 'model_type') {
        throw new ServingError(
          'unsupported',
          `${err.message}. Embeddings come from a causal LM that @medgpt/models loads (Llama, Qwen2/2.5, ` +
            'Qwen3, Mistral); sentence encoders such as BERT (text2vec) are not supported',
        );
      }
      throw err;
    }
    try {
      return new TextEmbedder(model, await loadTokenizer(dir), name, embed);
    } catch (err) {
      model.dispose();
      throw err;
    }
  }

  /** One L2-normalised vector per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]> {
    return embedTexts(this.model, this.tokenizer, texts, this.options);
  }

  /** The vector of one text (a question). */
  async embedQuery(text: string): Promise<Float32Array> {
    return (await this.embed([text]))[0]!;
  }

  dispose(): void {
    this.model.dispose();
  }
}
