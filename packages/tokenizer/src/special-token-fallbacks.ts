import type { SpecialTokenRole } from './special-tokens.js';
import type { Tokenizer } from './tokenizer.js';

export interface SpecialTokenFallbackOptions {
  /**
   * The conversation template's `stop_str`, used as eos when the tokenizer has none. The templates
   * package passes it; MedicalGPT's default is `</s>`.
   */
  stopStr?: string;
}

/** One fallback that was applied, for logging. */
export interface SpecialTokenFallback {
  readonly role: SpecialTokenRole;
  readonly content: string;
  readonly reason: string;
}

export interface SpecialTokenFallbackResult {
  /** The same tokenizer when nothing was missing, else a new one. */
  readonly tokenizer: Tokenizer;
  readonly applied: readonly SpecialTokenFallback[];
}

/**
 * MedicalGPT's special-token fallbacks (SFT/RM/DPO/ORPO scripts), in its order:
 * eos missing -> the template's stop string (or `</s>`), added as a special token if new;
 * bos missing -> eos; pad missing -> unk if present, else eos.
 */
export function applySpecialTokenFallbacks(
  tokenizer: Tokenizer,
  options: SpecialTokenFallbackOptions = {},
): SpecialTokenFallbackResult {
  const applied: SpecialTokenFallback[] = [];
  const eos = tokenizer.eosToken ?? options.stopStr ?? '</s>';
  if (tokenizer.eosToken === null) {
    const source = options.stopStr === undefined ? "MedicalGPT's default '</s>'" : "the template's stop_str";
    applied.push({ role: 'eos', content: eos, reason: `no eos token: using ${source}` });
  }
  if (tokenizer.bosToken === null) {
    applied.push({ role: 'bos', content: eos, reason: 'no bos token: bos := eos' });
  }
  if (tokenizer.padToken === null) {
    const unk = tokenizer.unkToken;
    const reason = unk === null ? 'no pad or unk token: pad := eos' : 'no pad token: pad := unk';
    applied.push({ role: 'pad', content: unk ?? eos, reason });
  }
  if (applied.length === 0) return { tokenizer, applied };
  const roles = Object.fromEntries(applied.map((a) => [a.role, a.content]));
  return { tokenizer: tokenizer.withSpecialTokens(roles), applied };
}
