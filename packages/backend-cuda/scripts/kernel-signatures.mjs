// Reads the parameter lists of the extern "C" __global__ kernels of a .cu source (and the all-int64
// structs they take by value), so that the launcher's argument layout comes from the C signature
// itself: build-kernels.mjs stores them in kernels/manifest.json and the runtime reads them there.
//
// A parameter becomes 'ptr' (any pointer), 'i32' (int), 'f32' (float), 'i64' (long long), 'f64'
// (double) or { i64s: n } for a struct of n int64 fields.

const SCALARS = new Map([
  ['int', 'i32'],
  ['unsigned', 'i32'],
  ['float', 'f32'],
  ['long long', 'i64'],
  ['double', 'f64'],
]);

/**
 * Structs made only of `long long` fields (arrays sized by a number or a #define of `text`), as
 * { name: fieldCount }.
 */
export function int64Structs(text) {
  const defines = new Map([...text.matchAll(/#define\s+(\w+)\s+(\d+)\b/g)].map((m) => [m[1], Number(m[2])]));
  const structs = {};
  for (const m of text.matchAll(/struct\s+(\w+)\s*\{([^}]*)\}/g)) {
    const body = m[2].replace(/\/\/[^\n]*/g, '');
    const decls = body
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean);
    let fields = 0;
    let allInt64 = true;
    for (const decl of decls) {
      const dm = /^long long\s+(.+)$/.exec(decl);
      if (!dm) {
        allInt64 = false;
        break;
      }
      for (const name of dm[1].split(',').map((s) => s.trim())) {
        const arr = /\[(\w+)\]$/.exec(name);
        const count = arr ? (defines.get(arr[1]) ?? Number(arr[1])) : 1;
        if (!Number.isInteger(count)) throw new Error(`struct ${m[1]}: cannot size '${name}'`);
        fields += count;
      }
    }
    if (allInt64) structs[m[1]] = fields;
  }
  return structs;
}

/** { kernelName: paramTypes[] } for every extern "C" __global__ function of `source`. */
export function kernelSignatures(source, headers = '') {
  const structs = int64Structs(`${headers}\n${source}`);
  const out = {};
  for (const m of source.matchAll(/extern\s+"C"\s+__global__\s+void\s+(\w+)\s*\(([^)]*)\)/g)) {
    out[m[1]] = m[2]
      .split(',')
      .map((p) => p.trim().replace(/\s+/g, ' '))
      .filter(Boolean)
      .map((param) => paramType(param, structs, m[1]));
  }
  return out;
}

function paramType(param, structs, kernel) {
  if (param.includes('*')) return 'ptr';
  const type = param
    .replace(/\bconst\b/g, '')
    .trim()
    .split(' ')
    .slice(0, -1)
    .join(' ');
  if (SCALARS.has(type)) return SCALARS.get(type);
  if (type in structs) return { i64s: structs[type] };
  throw new Error(`kernel ${kernel}: parameter '${param}' has a type the launcher cannot pass`);
}
