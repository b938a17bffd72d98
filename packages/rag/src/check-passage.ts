/** Throws `passages[i].<field>: expected ...` for the first field of a loaded passage that is not a Passage's. */
export function checkPassage(p: unknown, i: number): void {
  const q = (p ?? {}) as Record<string, unknown>;
  const fields: [string, (v: unknown) => boolean, string][] = [
    ['id', Number.isInteger, 'an integer'],
    ['source', (v) => typeof v === 'string', 'a string'],
    ['line', Number.isInteger, 'an integer'],
    ['text', (v) => typeof v === 'string', 'a string'],
  ];
  for (const [name, ok, form] of fields) {
    if (!ok(q[name])) throw new Error(`passages[${i}].${name}: expected ${form}`);
  }
}
