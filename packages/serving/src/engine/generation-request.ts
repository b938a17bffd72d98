/** Why a sequence ended: a stop token or string, its token limit, or cancellation. */
export type EngineFinishReason = 'stop' | 'length' | 'abort';

/**
 * One request to the engine: a tokenized prompt and vLLM's sampling parameters (OpenAI's names in
 * camelCase). Unset fields come from the engine's defaults, then the model's generation_config.json.
 */
export interface GenerationRequest {
  readonly promptIds: readonly number[];
  /** New tokens per choice (default: the engine's, else what is left of maxModelLen). */
  readonly maxTokens?: number;
  /** 0 = greedy. Setting it decides sampling unless `doSample` is given. */
  readonly temperature?: number;
  readonly doSample?: boolean;
  readonly topP?: number;
  /** 0 = off. */
  readonly topK?: number;
  readonly minP?: number | null;
  readonly repetitionPenalty?: number;
  /** Seed of this request's sampling; choice i draws from seed + i. Default: random. */
  readonly seed?: number | bigint;
  /** Texts that end a choice; the text stops before them. */
  readonly stop?: readonly string[];
  /** Ids that end a choice, besides the eos ids. */
  readonly stopTokenIds?: readonly number[];
  /** Run past the eos ids (the stop ids still end it). */
  readonly ignoreEos?: boolean;
  /** Choices generated for the prompt (each takes a slot). Default 1. */
  readonly n?: number;
  /** LoRA adapter by name (loaded into the engine's PeftModel); null: the base model. */
  readonly adapter?: string | null;
  /** Leave special tokens out of the text. Default true. */
  readonly skipSpecialTokens?: boolean;
  /** Cancels the request: its slots are freed at once and its stream ends with 'abort'. */
  readonly signal?: AbortSignal;
}

/** What one choice produced at one step. */
export interface GenerationChunk {
  /** The choice (0 .. n-1). */
  readonly index: number;
  readonly tokenId: number;
  /** Text that became final with this token (never half a character, never part of a stop string). */
  readonly text: string;
  /** Set on the choice's last chunk. */
  readonly finishReason: EngineFinishReason | null;
}

export interface GenerationChoice {
  readonly index: number;
  readonly text: string;
  readonly tokenIds: readonly number[];
  readonly finishReason: EngineFinishReason;
}

/** The whole answer to a request, once every choice has ended. */
export interface GenerationResult {
  readonly choices: readonly GenerationChoice[];
  readonly promptTokens: number;
  readonly completionTokens: number;
}
