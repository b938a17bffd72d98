// Final answers in LaTeX solutions sit in \boxed{...} (MATH, R1-style math completions). The content may
// hold braces of its own (\boxed{\frac{1}{2}}), so a regex cannot find its end: we count braces.

const BOXED = /\\(?:boxed|fbox)\s*\{/g;

/**
 * The content of the last complete `\boxed{...}` (or `\fbox{...}`) in `text`, braces balanced, or null
 * when there is none. An opening left unclosed (a truncated completion) does not count.
 */
export function lastBoxedContent(text: string): string | null {
  let found: string | null = null;
  for (const match of text.matchAll(BOXED)) {
    const start = match.index + match[0].length;
    const end = closingBrace(text, start);
    if (end >= 0) found = text.slice(start, end);
  }
  return found;
}

/** The index of the `}` that closes a group opened just before `start`, or -1 when it never closes. */
function closingBrace(text: string, start: number): number {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    // \{ and \} are literal braces (set notation), not grouping.
    if (ch === '\\') i++;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i;
  }
  return -1;
}
