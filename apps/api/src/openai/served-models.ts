import { ApiError } from '../http/api-error.js';

/** An entry of GET /v1/models, vLLM's shape. */
export interface ModelCard {
  readonly id: string;
  readonly object: 'model';
  readonly created: number;
  readonly owned_by: 'medgpt';
  readonly root: string;
  readonly parent: string | null;
  readonly max_model_len: number;
}

/**
 * The names a request's `model` may take: the base model and each adapter (vLLM lists
 * `--lora-modules` as models whose parent is the base). A name only selects among these; it never
 * reaches the file system.
 */
export class ServedModels {
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(
    readonly base: string,
    readonly adapters: readonly string[],
    private readonly maxModelLen: number,
  ) {}

  /** The adapter `model` selects (null: the base model); 404 for a name not served. */
  adapterFor(model: unknown): string | null {
    if (model === undefined || model === null || model === this.base) return null;
    if (typeof model !== 'string') throw new ApiError(400, 'model must be a string', 'model');
    if (this.adapters.includes(model)) return model;
    throw new ApiError(404, `The model \`${model}\` does not exist.`, 'model');
  }

  list(): { object: 'list'; data: ModelCard[] } {
    const card = (id: string, parent: string | null): ModelCard => ({
      id,
      object: 'model',
      created: this.created,
      owned_by: 'medgpt',
      root: id,
      parent,
      max_model_len: this.maxModelLen,
    });
    return { object: 'list', data: [card(this.base, null), ...this.adapters.map((a) => card(a, this.base))] };
  }
}
