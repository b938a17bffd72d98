// Shared pieces of the parser fuzzing (issue #14 item 5): the target shape that the packages'
// `*.fuzz.ts` files export, the runner their `*.fuzz.test.ts` files call (short budget, fixed seed),
// byte-level and JSON-structure mutators, and the failure classes. bench/cpu/fuzz.ts runs the same targets
// 10^6 times each.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import fc from 'fast-check';

let scratchDir: string | undefined;

/**
 * A scratch path of this process (one per name, rewritten for every input), in memory (/dev/shm)
 * where there is one: the file readers are fuzzed through real files.
 */
export function scratchPath(name: string): string {
  if (scratchDir === undefined) {
    const base = process.env.MEDGPT_FUZZ_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
    removeStaleScratch(base);
    const made = mkdtempSync(join(base, `medgpt-fuzz-${process.pid}-`));
    scratchDir = made;
    process.on('exit', () => rmSync(made, { recursive: true, force: true }));
  }
  return join(scratchDir, name);
}

/** Scratch directories of processes that were killed before their exit handler ran. */
function removeStaleScratch(base: string): void {
  for (const entry of readdirSync(base)) {
    const pid = /^medgpt-fuzz-(\d+)-/.exec(entry)?.[1];
    if (pid === undefined) continue;
    try {
      process.kill(Number(pid), 0);
    } catch (err) {
      // ESRCH: no such process (EPERM means it lives, under another user).
      if ((err as NodeJS.ErrnoException).code === 'ESRCH')
        rmSync(join(base, entry), { recursive: true, force: true });
    }
  }
}

/** Runs `fn`, stopping it (with a FuzzFailure) if it spins longer than the limit. */
export type Guard = <R>(fn: () => R) => R;

/**
 * One parser under fuzz: an input generator and a check that runs the parser's public API on one input.
 * `check` returns when the parser gave a correct result or its documented error, and throws a
 * FuzzFailure otherwise (any other exception, a wrong result, a hang).
 */
export interface FuzzTarget<T = unknown> {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<T>;
  // A method (bivariant), so targets of any input type go in one FuzzTarget[] list.
  check(input: T, guard: Guard): void | Promise<void>;
}

export type FailureKind = 'crash' | 'wrong-result' | 'hang';

/** What the fuzzing reports: the parser crashed, returned garbage, or hung. */
export class FuzzFailure extends Error {
  override readonly name = 'FuzzFailure';
  constructor(
    readonly kind: FailureKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${kind}: ${message}`, options);
  }
}

/** Inputs per target in tests (MEDGPT_FUZZ_RUNS; small by default so CI stays fast). */
export function fuzzRuns(fallback = 300): number {
  const n = Number(process.env.MEDGPT_FUZZ_RUNS ?? fallback);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** The seed (MEDGPT_FUZZ_SEED): fixed, so a CI failure replays; fast-check prints it on failure. */
export function fuzzSeed(): number {
  const n = Number(process.env.MEDGPT_FUZZ_SEED ?? 20_261_201);
  return Number.isInteger(n) ? n : 20_261_201;
}

// A synchronous infinite loop cannot be interrupted from the same thread except by vm's watchdog.
const guardContext = vm.createContext({ run: undefined as (() => unknown) | undefined });
const guardScript = new vm.Script('run()');

/** A Guard that stops synchronous work after `ms` (about 0.15 ms per call: tests only, not the bench). */
export function vmGuard(ms: number): Guard {
  return <R>(fn: () => R): R => {
    guardContext.run = fn;
    try {
      return guardScript.runInContext(guardContext, { timeout: ms }) as R;
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
        throw new FuzzFailure('hang', `still running after ${ms} ms`);
      throw err;
    } finally {
      guardContext.run = undefined;
    }
  };
}

/** The Guard of the bench: none (its parent process kills a worker that stops reporting progress). */
export const noGuard: Guard = (fn) => fn();

/**
 * Runs a target with fast-check under the test budget: `fuzzRuns()` inputs, the fixed seed, at most
 * `timeLimitMs` in all (then it stops early, as a success), and a hang guard per input.
 */
export async function runFuzzTarget<T>(
  target: FuzzTarget<T>,
  options: { numRuns?: number; timeLimitMs?: number; perInputMs?: number } = {},
): Promise<void> {
  const perInputMs = options.perInputMs ?? 5_000;
  const guard = vmGuard(perInputMs);
  const property = fc.asyncProperty(target.arbitrary, async (input) => {
    await target.check(input, guard);
  });
  await fc.assert(property, {
    numRuns: options.numRuns ?? fuzzRuns(),
    seed: fuzzSeed(),
    plugins: [fc.interruptAfterTimeLimit(options.timeLimitMs ?? 20_000), fc.timeout(perInputMs)],
  });
}

/**
 * Calls the parser: its documented error (`typed` says which) is an outcome, returned as `{ error }`;
 * any other exception is a crash.
 */
export function attempt<R>(
  fn: () => R,
  typed: (err: unknown) => boolean,
  wrapsLibrary?: (err: unknown) => boolean,
): { ok: true; value: R } | { ok: false; error: Error } {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    return { ok: false, error: classify(err, typed, wrapsLibrary) };
  }
}

/** `attempt` for async parsers. */
export async function attemptAsync<R>(
  fn: () => Promise<R>,
  typed: (err: unknown) => boolean,
  wrapsLibrary?: (err: unknown) => boolean,
): Promise<{ ok: true; value: R } | { ok: false; error: Error }> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: classify(err, typed, wrapsLibrary) };
  }
}

/**
 * A documented error is an outcome unless it wraps a TypeError / RangeError / ReferenceError of our
 * code; `wrapsLibrary` names the errors that wrap a third-party library's (which we do not fix).
 */
function classify(
  err: unknown,
  typed: (err: unknown) => boolean,
  wrapsLibrary?: (err: unknown) => boolean,
): Error {
  if (err instanceof FuzzFailure) throw err;
  const bug = wrapsLibrary?.(err) ? undefined : internalCause(err);
  if (bug) {
    // A typed error wrapped around a TypeError or a stack overflow is a crash with a nicer name.
    throw new FuzzFailure(
      'crash',
      `${(err as Error).name} caused by ${bug.name}: ${bug.message.slice(0, 300)}`,
      {
        cause: err,
      },
    );
  }
  if (typed(err)) return err as Error;
  const name = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  throw new FuzzFailure('crash', `untyped exception ${name.slice(0, 500)}`, { cause: err });
}

/** The TypeError / RangeError / ReferenceError in `err`'s cause chain, if any (never a documented error). */
function internalCause(err: unknown): Error | undefined {
  for (let e = (err as { cause?: unknown })?.cause, i = 0; e !== undefined && i < 8; i++) {
    if (e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError) return e;
    e = (e as { cause?: unknown })?.cause;
  }
  return undefined;
}

/** Fails with 'wrong-result' unless `ok` (the parser returned something it should not have). */
export function expectResult(ok: boolean, message: () => string): void {
  if (!ok) throw new FuzzFailure('wrong-result', message());
}

/** Deep equality of JSON-like values (objects compared by own keys, order-free). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    if (!jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// JSON values with hostile parts, and their text

/** A marker for `depth` nested arrays around `leaf`: written as text without recursion. */
export class Deep {
  constructor(
    readonly depth: number,
    readonly leaf: unknown = 0,
  ) {}
}

/** A marker for an array of `count` copies of `item`. */
export class Repeat {
  constructor(
    readonly count: number,
    readonly item: unknown,
  ) {}
}

/** Sets an own enumerable property, so `__proto__` becomes a key as JSON.parse makes it. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** JSON text of a value that may hold Deep / Repeat markers (which JSON.stringify cannot write). */
export function jsonText(value: unknown, space = ''): string {
  const parts: string[] = [];
  write(value, parts, space, '');
  return parts.join('');
}

function write(value: unknown, out: string[], space: string, indent: string): void {
  if (value instanceof Deep) {
    out.push('['.repeat(value.depth));
    write(value.leaf, out, '', '');
    out.push(']'.repeat(value.depth));
  } else if (value instanceof Repeat) {
    out.push('[');
    for (let i = 0; i < value.count; i++) {
      if (i > 0) out.push(',');
      write(value.item, out, '', '');
    }
    out.push(']');
  } else if (Array.isArray(value)) {
    if (value.length === 0) return void out.push('[]');
    const inner = indent + space;
    out.push('[');
    value.forEach((v, i) => {
      if (i > 0) out.push(',');
      if (space) out.push('\n', inner);
      write(v, out, space, inner);
    });
    if (space) out.push('\n', indent);
    out.push(']');
  } else if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value);
    if (keys.length === 0) return void out.push('{}');
    const inner = indent + space;
    out.push('{');
    keys.forEach((k, i) => {
      if (i > 0) out.push(',');
      if (space) out.push('\n', inner);
      out.push(JSON.stringify(k), space ? ': ' : ':');
      write((value as Record<string, unknown>)[k], out, space, inner);
    });
    if (space) out.push('\n', indent);
    out.push('}');
  } else if (typeof value === 'number' && !Number.isFinite(value)) {
    out.push('null');
  } else {
    out.push(JSON.stringify(value) ?? 'null');
  }
}

/** Strings parsers mishandle: empty, blank, lone surrogates, NUL, prototype keys, numbers as text. */
export const evilString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\n',
    '\r\n',
    '\u0000',
    '\ud800',
    '\udfff',
    '\ufeff',
    '\u2028',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'NaN',
    '1',
    '-1',
    'true',
    'null',
    '{}',
    '[]',
    '{query}',
    '{{',
    '}',
    '\\',
    '"',
    '(a+)+$',
    '[',
    '*',
    '.',
    '..',
    '../x',
    '/abs',
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ maxLength: 12, unit: 'binary' }),
);

/** Numbers parsers mishandle: zero, negatives, fractions, overflow of 2^31 / 2^32 / 2^53 / 2^64. */
export const evilNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1,
    2,
    0.5,
    -0.5,
    1e-320,
    1e308,
    -1e308,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 40,
    2 ** 53 - 1,
    2 ** 53,
    2 ** 53 + 2,
    2 ** 64,
    1e21,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Big values: nesting JSON.stringify cannot write back, long arrays and strings (rare: they are slow). */
export const heavyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: 2_000, max: 12_000 }).map((d) => new Deep(d)),
  fc.integer({ min: 2_000, max: 12_000 }).map((d) => new Deep(d, { a: 1 })),
  fc.integer({ min: 100, max: 5_000 }).map((n) => new Repeat(n, 0)),
  fc.integer({ min: 1_000, max: 100_000 }).map((n) => 'x'.repeat(n)),
);

/** Any JSON value with a bias towards the ones that break parsers. */
export const evilJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: evilNumber },
  { weight: 6, arbitrary: evilString },
  { weight: 4, arbitrary: fc.constantFrom(null, true, false, [], {}, [[]], [null], [''], ['a', 'b']) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: heavyJson },
  {
    weight: 1,
    arbitrary: fc.constantFrom('__proto__', 'constructor').map((k) => {
      const o: Record<string, unknown> = {};
      setOwn(o, k, { polluted: true });
      return o;
    }),
  },
);

// ---------------------------------------------------------------------------------------------
// Structure-aware JSON mutation

export type JsonOp =
  | { readonly kind: 'replace'; readonly at: number; readonly value: unknown }
  | { readonly kind: 'delete'; readonly at: number }
  | { readonly kind: 'add'; readonly at: number; readonly key: string; readonly value: unknown }
  | { readonly kind: 'wrap'; readonly at: number }
  | { readonly kind: 'swap-type'; readonly at: number };

/** One to three edits of a JSON tree: replace a node, delete it, add a key, wrap it in an array. */
export const jsonOps: fc.Arbitrary<JsonOp[]> = fc.array(
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: evilJson }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('add' as const),
        at: fc.nat(),
        key: evilString,
        value: evilJson,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('wrap' as const), at: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('swap-type' as const), at: fc.nat() }) },
  ),
  { minLength: 1, maxLength: 3 },
);

/** Applies edits to a copy of `value` (nodes are picked by index in a walk of at most 5000 nodes). */
export function applyJsonOps(value: unknown, ops: readonly JsonOp[]): unknown {
  let root = value;
  for (const op of ops) root = applyOp(root, op);
  return root;
}

interface Node {
  readonly path: readonly (string | number)[];
  readonly value: unknown;
}

function nodesOf(root: unknown, limit = 5000): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [{ path: [], value: root }];
  while (stack.length > 0 && out.length < limit) {
    const node = stack.pop()!;
    out.push(node);
    const v = node.value;
    if (v instanceof Deep || v instanceof Repeat) continue;
    if (Array.isArray(v)) v.forEach((c, i) => stack.push({ path: [...node.path, i], value: c }));
    else if (typeof v === 'object' && v !== null)
      for (const k of Object.keys(v))
        stack.push({ path: [...node.path, k], value: (v as Record<string, unknown>)[k] });
  }
  return out;
}

function applyOp(root: unknown, op: JsonOp): unknown {
  const nodes = nodesOf(root);
  const node = nodes[op.at % nodes.length]!;
  switch (op.kind) {
    case 'replace':
      return setAt(root, node.path, op.value);
    case 'wrap':
      return setAt(root, node.path, [node.value]);
    case 'swap-type':
      return setAt(root, node.path, swapType(node.value));
    case 'delete':
      return node.path.length === 0 ? undefinedToNull() : removeAt(root, node.path);
    case 'add': {
      const v = node.value;
      if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Deep || v instanceof Repeat)
        return root;
      const copy = { ...(v as Record<string, unknown>) };
      setOwn(copy, op.key, op.value);
      return setAt(root, node.path, copy);
    }
  }
}

function undefinedToNull(): unknown {
  return null;
}

/** The same content under another JSON type: 3 -> "3", "3" -> 3, [x] -> {"0": x}, {..} -> [..]. */
function swapType(v: unknown): unknown {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : [v];
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null) return 0;
  if (Array.isArray(v)) return Object.fromEntries(v.map((x, i) => [String(i), x]));
  if (typeof v === 'object' && !(v instanceof Deep) && !(v instanceof Repeat))
    return Object.values(v as Record<string, unknown>);
  return null;
}

function setAt(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = root.slice();
    copy[head as number] = setAt(root[head as number], rest, value);
    return copy;
  }
  const copy = { ...(root as Record<string, unknown>) };
  setOwn(copy, head as string, setAt((root as Record<string, unknown>)[head as string], rest, value));
  return copy;
}

function removeAt(root: unknown, path: readonly (string | number)[]): unknown {
  const [head, ...rest] = path;
  if (rest.length > 0) {
    const child = (root as Record<string, unknown>)[head as string];
    return setAt(root, [head!], removeAt(child, rest));
  }
  if (Array.isArray(root)) return root.filter((_, i) => i !== head);
  const copy = { ...(root as Record<string, unknown>) };
  delete copy[head as string];
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Byte-level mutation

const INSERTS: readonly (readonly number[])[] = [
  [0x0a],
  [0x0d, 0x0a],
  [0x0d],
  [0xef, 0xbb, 0xbf],
  [0x22],
  [0x5c],
  [0x7b],
  [0x7d],
  [0x5b],
  [0x5d],
  [0x2c],
  [0x3a],
  [0x00],
  [0xff],
  [0xc3, 0x28],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x80, 0xa8],
  [...Buffer.from('99999999999999999999')],
  [...Buffer.from('-1')],
  [...Buffer.from('1e999')],
  [...Buffer.from('null')],
  [...Buffer.from('"__proto__":1,')],
  [...Buffer.from('{%')],
  [...Buffer.from('{{')],
  [...Buffer.from('%}')],
  [...Buffer.from('}}')],
];

export type ByteOp =
  | { readonly kind: 'flip'; readonly at: number; readonly bit: number }
  | { readonly kind: 'set'; readonly at: number; readonly byte: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: readonly number[] }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'duplicate'; readonly at: number; readonly length: number; readonly to: number };

/** One to four byte edits: bit flips, set bytes, inserted tokens or invalid UTF-8, cuts, copies. */
export const byteOps: fc.Arbitrary<ByteOp[]> = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      bytes: fc.oneof(
        fc.constantFrom(...INSERTS),
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }),
      ),
    }),
    fc.record({
      kind: fc.constant('delete' as const),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 16 }),
    }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('duplicate' as const),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 64 }),
      to: fc.nat(),
    }),
  ),
  { minLength: 1, maxLength: 4 },
);

/** Applies byte edits to a copy of `bytes` (positions wrap around the current length). */
export function applyByteOps(bytes: Uint8Array, ops: readonly ByteOp[]): Uint8Array {
  let b = Buffer.from(bytes);
  for (const op of ops) {
    const at = b.length === 0 ? 0 : op.at % (b.length + 1);
    switch (op.kind) {
      case 'flip':
        if (at < b.length) b[at] = b[at]! ^ (1 << op.bit);
        break;
      case 'set':
        if (at < b.length) b[at] = op.byte;
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), Buffer.from(op.bytes), b.subarray(at)]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + op.length)]);
        break;
      case 'truncate':
        b = b.subarray(0, at);
        break;
      case 'duplicate': {
        const piece = b.subarray(at, at + op.length);
        const to = op.to % (b.length + 1);
        b = Buffer.concat([b.subarray(0, to), piece, b.subarray(to)]);
        break;
      }
    }
  }
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** A generated valid text, or the same after JSON edits, or its bytes after byte edits. */
export type Mutated<T> =
  | { readonly kind: 'valid'; readonly value: T }
  | { readonly kind: 'json'; readonly value: T; readonly ops: JsonOp[] }
  | { readonly kind: 'bytes'; readonly value: T; readonly ops: ByteOp[] };

/** Valid inputs (1 in 4), JSON-structure edits (2 in 4) and byte edits (1 in 4) of `valid`. */
export function mutated<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<Mutated<T>> {
  return fc.oneof(
    { weight: 1, arbitrary: valid.map((value) => ({ kind: 'valid' as const, value })) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('json' as const), value: valid, ops: jsonOps }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('bytes' as const), value: valid, ops: byteOps }) },
  );
}

/** The bytes of a mutated JSON input: `json` written as text (with `space` indent), then edited. */
export function mutatedJsonBytes(m: Mutated<{ readonly json: unknown }>, space = ''): Uint8Array {
  switch (m.kind) {
    case 'valid':
      return Buffer.from(jsonText(m.value.json, space));
    case 'json':
      return Buffer.from(jsonText(applyJsonOps(m.value.json, m.ops), space));
    case 'bytes':
      return applyByteOps(Buffer.from(jsonText(m.value.json, space)), m.ops);
  }
}
