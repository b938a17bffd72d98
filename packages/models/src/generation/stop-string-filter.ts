/**
 * Watches streamed text for stop strings. `push` returns the text that can safely be emitted: up to
 * (not including) the first stop string once one appears, and otherwise everything except a tail that
 * could still grow into a stop string.
 */
export class StopStringFilter {
  private held = '';
  /** True once a stop string appeared; later pushes emit nothing. */
  stopped = false;

  constructor(private readonly stops: readonly string[]) {
    if (stops.some((s) => typeof s !== 'string' || s.length === 0))
      throw new RangeError('stop strings must be non-empty strings');
  }

  push(delta: string): string {
    if (this.stopped) return '';
    const text = this.held + delta;
    let cut = -1;
    for (const s of this.stops) {
      const at = text.indexOf(s);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      this.stopped = true;
      this.held = '';
      return text.slice(0, cut);
    }
    const keep = this.possibleStart(text);
    this.held = text.slice(keep);
    return text.slice(0, keep);
  }

  /** The held tail, when the stream ends without a stop string. */
  flush(): string {
    const rest = this.stopped ? '' : this.held;
    this.held = '';
    return rest;
  }

  // Start of the longest suffix of `text` that is a proper prefix of some stop string.
  private possibleStart(text: string): number {
    for (let start = Math.max(0, text.length - this.maxLength() + 1); start < text.length; start++) {
      const tail = text.slice(start);
      if (this.stops.some((s) => s.startsWith(tail))) return start;
    }
    return text.length;
  }

  private maxLength(): number {
    return this.stops.reduce((m, s) => Math.max(m, s.length), 0);
  }
}
