type Message = Readonly<Record<string, unknown>>;

/**
 * TRL's `extract_prompt` for an implicit-prompt preference row: the prompt is the longest common
 * prefix of the chosen and rejected message lists. As in TRL, when one list is a prefix of the other
 * the prompt stops one message short of the shorter list, so each side keeps an answer. Messages are
 * compared by role and content (the only fields the conversion keeps).
 */
export function sharedPromptLength(chosen: readonly Message[], rejected: readonly Message[]): number {
  const n = Math.min(chosen.length, rejected.length);
  for (let i = 0; i < n; i++) {
    const a = chosen[i]!;
    const b = rejected[i]!;
    if (a.role !== b.role || a.content !== b.content) return i;
  }
  return Math.max(0, n - 1);
}
