import { setImmediate as nextTurn } from 'node:timers/promises';
import { backendReplaysSteps, type tf } from '@medgpt/core-tensor';
import {
  resolveGenerationSettings,
  type CausalLM,
  type GenerateOptions,
  type GenerationSettings,
} from '@medgpt/models';
import type { PeftModel } from '@medgpt/peft';
import type { Tokenizer } from '@medgpt/tokenizer';
import { ServingError } from '../serving-error.js';
import { EngineSequence } from './engine-sequence.js';
import { argmaxOnly, selectNextTokens } from './select-next-tokens.js';
import { CapturedDecode, DecodeRun } from './captured-decode.js';
import type { GenerationRequest, GenerationResult } from './generation-request.js';
import { GenerationStream } from './generation-stream.js';
import { SlotKvCache, type SlotRow } from './slot-kv-cache.js';

export interface EngineOptions {
  /** Turns tokens into text (streamed) and matches stop strings. */
  readonly tokenizer: Tokenizer;
  /** Sequences decoded together: the KV cache's slots. Default 8. */
  readonly maxSequences?: number;
  /** Tokens per sequence, prompt included: a slot's capacity. Default min(max_position_embeddings, 2048). */
  readonly maxModelLen?: number;
  /** Adapters requests choose by name (`request.adapter`); several may be loaded. */
  readonly peft?: PeftModel | null;
  /** The adapter of a request that names none. Default null: the base model. */
  readonly defaultAdapter?: string | null;
  /** Sampling defaults under every request (an InferenceSession's `generateOptions`). */
  readonly defaults?: GenerateOptions;
  /**
   * Greedy decode steps recorded once and replayed (CapturedDecode: a CUDA graph per adapter, padded
   * batch and key span), which removes the per-op launch cost that bounds small-batch decoding.
   * 'auto' (default): on a backend that replays steps (cuda); true: always (elsewhere the padded step
   * just runs eagerly, which tests use); false: never. Sampled rows always take the eager step.
   */
  readonly captureDecode?: boolean | 'auto';
}

/** How busy the engine is (for health checks and load tests). */
export interface EngineStats {
  readonly slots: number;
  readonly freeSlots: number;
  /** Sequences with a slot. */
  readonly running: number;
  /** Sequences waiting for one. */
  readonly waiting: number;
  /** Whether greedy decode steps are recorded and replayed, and why not if recording failed. */
  readonly capturedDecode: { readonly enabled: boolean; readonly error: string | null };
}

interface Job {
  readonly stream: GenerationStream;
  readonly sequences: EngineSequence[];
  readonly adapter: string | null;
  readonly promptTokens: number;
  readonly detach: () => void;
  done: boolean;
}

/**
 * Continuous batching over one model: requests join the running batch between decode steps and leave
 * it as soon as they end, each sequence in a slot of a KV cache written in place. Every loop turn
 * prefills the sequences just given a slot (one right-padded forward per adapter), then decodes one
 * token for every running sequence (one forward per adapter: requests are grouped by adapter, not
 * mixed in one forward). Sampling is per sequence with models' processors and its own seeded stream.
 *
 * ```ts
 * const engine = new InferenceEngine(model, { tokenizer, maxSequences: 16 });
 * for await (const chunk of engine.generate({ promptIds, maxTokens: 64, temperature: 0 })) write(chunk.text);
 * await engine.close();
 * ```
 */
export class InferenceEngine {
  readonly maxModelLen: number;
  private readonly cache: SlotKvCache;
  private readonly waiting: EngineSequence[] = [];
  private readonly running: EngineSequence[] = [];
  private readonly jobs = new Map<EngineSequence, Job>();
  private loop: Promise<void> | null = null;
  private closed = false;
  private captured: CapturedDecode | null = null;
  /**
   * Per adapter, the captured step queued one ahead for a group of greedy sequences: launched with
   * the previous step's tokens on the device before that step was read, so the GPU never waits for
   * the host between steps. Used by the next decode of exactly that group, else read and delivered.
   */
  private readonly ahead = new Map<string | null, { group: EngineSequence[]; run: DecodeRun }>();
  private captureError: string | null = null;

  constructor(
    readonly model: CausalLM,
    private readonly options: EngineOptions,
  ) {
    const slots = options.maxSequences ?? 8;
    this.maxModelLen = options.maxModelLen ?? Math.min(model.config.maxPositionEmbeddings, 2048);
    if (!(Number.isInteger(slots) && slots >= 1))
      throw new ServingError(
        'invalid-option',
        `maxSequences must be a positive integer, got ${slots}`,
        'maxSequences',
      );
    if (!(Number.isInteger(this.maxModelLen) && this.maxModelLen >= 2))
      throw new ServingError(
        'invalid-option',
        `maxModelLen must be an integer >= 2, got ${this.maxModelLen}`,
        'maxModelLen',
      );
    this.cache = new SlotKvCache(model.config, slots, this.maxModelLen);
    const capture = options.captureDecode ?? 'auto';
    if (capture === true || (capture === 'auto' && backendReplaysSteps()))
      this.captured = new CapturedDecode(model, this.cache, (adapter, fn) => this.withAdapter(adapter, fn));
  }

  get stats(): EngineStats {
    return {
      slots: this.cache.slots,
      freeSlots: this.cache.freeSlots,
      running: this.running.length,
      waiting: this.waiting.length,
      capturedDecode: { enabled: this.captured !== null, error: this.captureError },
    };
  }

  /**
   * Queues a request and returns its stream. Bad requests throw a ServingError here, before anything
   * runs: `invalid-option` (with the field as `param`), `not-found` (adapter), `capacity` (a prompt
   * or n that can never fit), `closed`.
   */
  generate(request: GenerationRequest): GenerationStream {
    if (this.closed) throw new ServingError('closed', 'the engine is closed');
    const prompt = this.checkPrompt(request.promptIds);
    const n = request.n ?? 1;
    if (!(Number.isInteger(n) && n >= 1))
      throw new ServingError('invalid-option', `n must be a positive integer, got ${n}`, 'n');
    if (n > this.cache.slots)
      throw new ServingError('capacity', `n ${n} exceeds the engine's ${this.cache.slots} sequences`, 'n');
    const adapter = this.checkAdapter(
      request.adapter === undefined ? (this.options.defaultAdapter ?? null) : request.adapter,
    );
    const room = this.maxModelLen - prompt.length;
    const settings = this.settings(request, prompt.length, room);
    const base = request.seed === undefined ? randomSeed() : BigInt(request.seed);
    const sequences = Array.from(
      { length: n },
      (_, i) =>
        new EngineSequence(
          i,
          prompt,
          settings,
          base + BigInt(i),
          this.options.tokenizer,
          request.skipSpecialTokens ?? true,
          room,
        ),
    );
    const signal = request.signal;
    const onAbort = () => this.cancel(job);
    const job: Job = {
      stream: new GenerationStream(() => this.cancel(job)),
      sequences,
      adapter,
      promptTokens: prompt.length,
      detach: () => signal?.removeEventListener('abort', onAbort),
      done: false,
    };
    for (const s of sequences) this.jobs.set(s, job);
    if (signal?.aborted) {
      this.cancel(job);
      return job.stream;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    this.waiting.push(...sequences);
    this.kick();
    return job.stream;
  }

  /** Cancels every request, waits for the loop to stop, and frees the cache. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of new Set(this.jobs.values())) this.cancel(job);
    await this.loop;
    for (const a of this.ahead.values()) a.run.discard();
    this.ahead.clear();
    this.captured?.dispose();
    this.cache.dispose();
  }

  private kick(): void {
    if (this.loop !== null || this.closed) return;
    // Started on the next microtask, so requests made in the same tick are prefilled together.
    this.loop = Promise.resolve()
      .then(() => this.run())
      .finally(() => {
        this.loop = null;
        if (this.waiting.length + this.running.length > 0) this.kick();
      });
  }

  private async run(): Promise<void> {
    while (!this.closed && this.waiting.length + this.running.length > 0) {
      const admitted: EngineSequence[] = [];
      while (this.waiting.length > 0 && this.cache.freeSlots > 0) {
        const s = this.waiting.shift()!;
        s.slot = this.cache.acquire();
        admitted.push(s);
        this.running.push(s);
      }
      for (const [adapter, group] of byAdapter(admitted, this.jobs)) await this.prefill(adapter, group);
      const decoding = this.running.filter(
        (s) => !s.finished && s.tokenIds.length > 0 && !admitted.includes(s),
      );
      const groups = byAdapter(decoding, this.jobs);
      for (const [adapter, group] of groups) await this.decode(adapter, group);
      for (const adapter of [...this.ahead.keys()])
        if (!groups.has(adapter)) await this.settleAhead(adapter, []); // its sequences have all ended
      await nextTurn(); // new requests and aborts get in between steps
    }
  }

  // The prompts of newly admitted sequences, right-padded into one forward; yields their first token.
  private async prefill(adapter: string | null, group: EngineSequence[]): Promise<void> {
    const t = Math.max(...group.map((s) => s.promptIds.length));
    const rows: SlotRow[] = group.map((s) => ({ slot: s.slot!, start: 0, length: s.promptIds.length }));
    await this.step(adapter, group, rows, t, {
      inputIds: group.map((s) => [...s.promptIds, ...new Array<number>(t - s.promptIds.length).fill(0)]),
      positions: group.map(() => Array.from({ length: t }, (_, j) => j)),
      lastIndex: group.map((s) => s.promptIds.length - 1),
    });
    for (const s of group) s.cached = s.promptIds.length;
  }

  // One new token for every sequence of the group, each at its own position.
  private async decode(adapter: string | null, group: EngineSequence[]): Promise<void> {
    group = await this.settleAhead(adapter, group);
    if (group.length === 0) return;
    if (this.captured !== null && group.every(argmaxOnly) && (await this.decodeCaptured(adapter, group)))
      return;
    const rows: SlotRow[] = group.map((s) => ({ slot: s.slot!, start: s.cached, length: 1 }));
    await this.step(adapter, group, rows, 1, {
      inputIds: group.map((s) => [s.tokenIds.at(-1)!]),
      positions: group.map((s) => [s.cached]),
    });
    for (const s of group) s.cached += 1;
  }

  /**
   * A step queued ahead for `adapter` that this decode of `group` cannot use (the group changed) is
   * read and delivered to its sequences first (its keys are already written). Returns the group
   * without the sequences that finished meanwhile.
   */
  private async settleAhead(adapter: string | null, group: EngineSequence[]): Promise<EngineSequence[]> {
    const ahead = this.ahead.get(adapter);
    if (ahead === undefined || sameSequences(ahead.group, group)) return group;
    this.ahead.delete(adapter);
    if (ahead.group.every((s) => s.finished)) {
      ahead.run.discard();
      return group;
    }
    try {
      this.deliver(ahead.group, await ahead.run.tokens());
      for (const s of ahead.group) s.cached += 1;
    } catch (err) {
      this.disableCapture(err); // the positions did not advance: the next step recomputes them eagerly
    }
    return group.filter((s) => !s.finished);
  }

  /**
   * One greedy step of the group through the captured decode, with the group's next step queued
   * before this one is read when every sequence has room for two more tokens. False when recording
   * failed: then decoding stays eager from now on (the error is kept in stats) and the caller runs
   * this step eagerly.
   */
  private async decodeCaptured(adapter: string | null, group: EngineSequence[]): Promise<boolean> {
    const captured = this.captured!;
    const rowsAt = (ahead: number): SlotRow[] =>
      group.map((s) => ({ slot: s.slot!, start: s.cached + ahead, length: 1 }));
    const queued = this.ahead.get(adapter);
    this.ahead.delete(adapter);
    let current: DecodeRun;
    try {
      current =
        queued?.run ??
        captured.launch(
          adapter,
          rowsAt(0),
          group.map((s) => s.tokenIds.at(-1)!),
        );
    } catch (err) {
      this.disableCapture(err);
      return false;
    }
    let next: DecodeRun | null = null;
    if (group.every((s) => s.tokensLeft >= 2 && s.cached + 2 <= this.cache.capacity)) {
      try {
        next = captured.launch(adapter, rowsAt(1), current);
      } catch (err) {
        this.disableCapture(err); // this step is still read below
      }
    }
    let tokens: number[];
    try {
      tokens = await current.tokens();
    } catch (err) {
      next?.discard();
      this.disableCapture(err);
      return false;
    }
    this.deliver(group, tokens);
    for (const s of group) s.cached += 1;
    if (next !== null && this.captured !== null) this.ahead.set(adapter, { group, run: next });
    else next?.discard();
    return true;
  }

  // Recording or replaying a captured step failed: decoding is eager from now on, steps queued ahead
  // are dropped (their sequences' positions did not advance, so eager steps recompute them).
  private disableCapture(err: unknown): void {
    if (this.captured === null) return;
    this.captureError = (err as Error).message;
    for (const a of this.ahead.values()) a.run.discard();
    this.ahead.clear();
    this.captured.dispose();
    this.captured = null;
  }

  private async step(
    adapter: string | null,
    group: EngineSequence[],
    rows: SlotRow[],
    t: number,
    inputs: { inputIds: number[][]; positions: number[][]; lastIndex?: number[] },
  ): Promise<void> {
    let logits: tf.Tensor2D | null = null;
    try {
      const step = this.cache.step(rows, t);
      try {
        logits = this.withAdapter(adapter, () =>
          this.model.stepWithStore(step.store, {
            ...inputs,
            keyMask: step.keyMask,
            queryOffset: step.queryOffset,
          }),
        );
      } finally {
        step.dispose();
      }
      this.deliver(group, await selectNextTokens(logits, group));
    } catch (err) {
      for (const s of group) {
        const job = this.jobs.get(s);
        if (job !== undefined && !job.done) this.fail(job, err);
      }
    } finally {
      logits?.dispose();
    }
  }

  // Each sequence's new token, streamed; a sequence cancelled while the step ran is skipped.
  private deliver(group: EngineSequence[], tokens: readonly number[]): void {
    group.forEach((s, b) => {
      if (s.finished) return;
      const job = this.jobs.get(s)!;
      job.stream.push(s.add(tokens[b]!));
      if (s.finished) this.retire(s, job);
    });
  }

  private withAdapter<T>(adapter: string | null, fn: () => T): T {
    const peft = this.options.peft;
    return peft ? peft.withAdapter(adapter, fn) : fn();
  }

  // A finished sequence leaves the batch and frees its slot; the job ends with its last sequence.
  private retire(s: EngineSequence, job: Job): void {
    this.release(s);
    if (job.sequences.every((x) => x.finished)) this.finish(job);
  }

  private release(s: EngineSequence): void {
    const at = this.running.indexOf(s);
    if (at >= 0) this.running.splice(at, 1);
    const w = this.waiting.indexOf(s);
    if (w >= 0) this.waiting.splice(w, 1);
    if (s.slot !== null) this.cache.release(s.slot);
    s.slot = null;
    this.jobs.delete(s);
  }

  private finish(job: Job): void {
    job.done = true;
    job.detach();
    const choices = job.sequences.map((s) => ({
      index: s.index,
      text: s.text,
      tokenIds: s.tokenIds,
      finishReason: s.finishReason ?? 'abort',
    }));
    const result: GenerationResult = {
      choices,
      promptTokens: job.promptTokens,
      completionTokens: choices.reduce((sum, c) => sum + c.tokenIds.length, 0),
    };
    job.stream.end(result);
  }

  private cancel(job: Job): void {
    if (job.done) return;
    for (const s of job.sequences) {
      if (!s.finished) s.finishReason = 'abort';
      this.release(s);
    }
    this.finish(job);
  }

  private fail(job: Job, err: unknown): void {
    job.done = true;
    job.detach();
    for (const s of job.sequences) {
      if (!s.finished) s.finishReason = 'abort';
      this.release(s);
    }
    job.stream.fail(err);
  }

  private checkPrompt(ids: readonly number[]): readonly number[] {
    const vocab = this.model.config.vocabSize;
    if (
      !Array.isArray(ids) ||
      ids.length === 0 ||
      ids.some((id) => !(Number.isInteger(id) && id >= 0 && id < vocab))
    )
      throw new ServingError(
        'invalid-option',
        `the prompt must be a non-empty list of token ids in [0, ${vocab})`,
        'prompt',
      );
    if (ids.length >= this.maxModelLen)
      throw new ServingError(
        'capacity',
        `the prompt has ${ids.length} tokens; the engine's maxModelLen ${this.maxModelLen} leaves no room to answer`,
        'prompt',
      );
    return [...ids];
  }

  private checkAdapter(name: string | null): string | null {
    if (name === null) return null;
    const peft = this.options.peft;
    if (!peft)
      throw new ServingError('not-found', `adapter '${name}': the engine has no adapters loaded`, 'adapter');
    try {
      peft.adapter(name);
    } catch {
      throw new ServingError('not-found', `adapter '${name}' is not loaded`, 'adapter');
    }
    return name;
  }

  // Request over engine defaults over generation_config.json, checked by models' rules.
  private settings(r: GenerationRequest, promptLength: number, room: number): GenerationSettings {
    const d = this.options.defaults ?? {};
    const maxTokens = r.maxTokens ?? d.maxNewTokens ?? this.model.generationConfig.maxNewTokens ?? room;
    if (!(Number.isInteger(maxTokens) && maxTokens >= 1))
      throw new ServingError(
        'invalid-option',
        `max_tokens must be a positive integer, got ${maxTokens}`,
        'max_tokens',
      );
    const options: GenerateOptions = {
      ...d,
      maxNewTokens: maxTokens,
      ...(r.temperature !== undefined ? { temperature: r.temperature, doSample: r.temperature > 0 } : {}),
      ...defined({
        doSample: r.doSample,
        topP: r.topP,
        topK: r.topK,
        minP: r.minP,
        repetitionPenalty: r.repetitionPenalty,
        stopStrings: r.stop,
        stopTokenIds: r.stopTokenIds ? [...(d.stopTokenIds ?? []), ...r.stopTokenIds] : undefined,
      }),
      ...(r.ignoreEos ? { eosTokenIds: [] } : {}),
    };
    try {
      return resolveGenerationSettings(this.model.generationConfig, options, promptLength);
    } catch (err) {
      const message = (err as Error).message.replace(/^generate: /, '');
      const field = /^(\w+)/.exec(message)?.[1] ?? '';
      throw new ServingError('invalid-option', message, PARAMS[field] ?? field);
    }
  }
}

// models' option names in a message -> the request fields (OpenAI's names) an API reports.
const PARAMS: Record<string, string> = {
  temperature: 'temperature',
  topK: 'top_k',
  topP: 'top_p',
  minP: 'min_p',
  repetitionPenalty: 'repetition_penalty',
  maxNewTokens: 'max_tokens',
  stop: 'stop',
};

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The same sequences in the same order (a step queued for one group fits only that group). */
function sameSequences(a: readonly EngineSequence[], b: readonly EngineSequence[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

function byAdapter(
  seqs: EngineSequence[],
  jobs: Map<EngineSequence, Job>,
): Map<string | null, EngineSequence[]> {
  const groups = new Map<string | null, EngineSequence[]>();
  for (const s of seqs) {
    const key = jobs.get(s)?.adapter ?? null;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return groups;
}

function randomSeed(): bigint {
  const words = crypto.getRandomValues(new Uint32Array(2));
  return (BigInt(words[0]!) << 32n) | BigInt(words[1]!);
}
