import { jsonPreview } from '@medgpt/json-preview';
import { ModelError } from '../model-error.js';

export type JsonObject = Record<string, unknown>;

/** A token id: ids become int32 tensors, so 2^31 and above would wrap around. */
function isTokenId(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) < 2 ** 31;
}

export function isJsonObject(x: unknown): x is JsonObject {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Typed access to the keys of a parsed JSON config. Every read marks its key as understood, so the
 * caller can ask at the end which keys nobody read (`unread`). Errors name the file and the key.
 */
export class ConfigReader {
  private readonly read = new Set<string>();

  constructor(
    readonly raw: JsonObject,
    readonly file: string,
  ) {}

  fail(key: string | undefined, problem: string): never {
    throw new ModelError(this.file, key, problem);
  }

  /** Marks keys as understood without reading them (they do not change the math). */
  accept(...keys: string[]): void {
    for (const k of keys) this.read.add(k);
  }

  /** Whether `key` is present with a non-null value (marks it read). */
  has(key: string): boolean {
    this.read.add(key);
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }

  /** The raw value (marks it read); undefined when absent or null. */
  value(key: string): unknown {
    return this.has(key) ? this.raw[key] : undefined;
  }

  number(key: string, fallback?: number): number {
    const v = this.value(key);
    if (v === undefined) return fallback ?? this.fail(key, 'is required; expected a number');
    if (typeof v !== 'number' || !Number.isFinite(v))
      this.fail(key, `is ${jsonPreview(v)}; expected a finite number`);
    return v;
  }

  positiveNumber(key: string, fallback?: number): number {
    const v = this.number(key, fallback);
    if (!(v > 0)) this.fail(key, `is ${v}; expected a positive number`);
    return v;
  }

  /** A number in [min, max] (transformers refuses top_p 2 or min_p -1 when it builds the sampler). */
  numberIn(key: string, min: number, max: number, fallback?: number): number {
    const v = this.number(key, fallback);
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    if (!(v >= min && v <= max)) this.fail(key, `is ${v}; expected a number ${range}`);
    return v;
  }

  /** An integer >= 0 (top_k: 0 disables it). */
  nonNegativeInt(key: string, fallback?: number): number {
    const v = this.number(key, fallback);
    if (!Number.isSafeInteger(v) || v < 0) this.fail(key, `is ${v}; expected an integer >= 0`);
    return v;
  }

  positiveInt(key: string, fallback?: number): number {
    const v = this.number(key, fallback);
    if (!Number.isSafeInteger(v) || v < 1) this.fail(key, `is ${v}; expected a positive integer`);
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.value(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') this.fail(key, `is ${jsonPreview(v)}; expected true or false`);
    return v;
  }

  string(key: string, fallback?: string): string {
    const v = this.value(key);
    if (v === undefined) return fallback ?? this.fail(key, 'is required; expected a string');
    if (typeof v !== 'string') this.fail(key, `is ${jsonPreview(v)}; expected a string`);
    return v;
  }

  /** A token id or list of ids (HF allows both for eos); [] when absent. */
  tokenIds(key: string): number[] {
    const v = this.value(key);
    if (v === undefined) return [];
    const ids = Array.isArray(v) ? v : [v];
    for (const id of ids) {
      if (!isTokenId(id)) {
        this.fail(key, `is ${jsonPreview(v)}; expected a token id or a list of token ids`);
      }
    }
    return ids as number[];
  }

  /** A single token id, or null when absent. */
  tokenId(key: string): number | null {
    const v = this.value(key);
    if (v === undefined) return null;
    if (!isTokenId(v)) this.fail(key, `is ${jsonPreview(v)}; expected a token id`);
    return v as number;
  }

  /** Keys present in the file that no read touched. */
  unread(): string[] {
    return Object.keys(this.raw).filter((k) => !this.read.has(k));
  }
}
