import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gguf, GGUFValueType } from '@huggingface/gguf';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel, generate, loadModel, parameterSpecs, type CausalLM } from '@medgpt/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportGguf } from './export-gguf.js';
import { GgufExportError } from './gguf-export-error.js';
import { ggufTensorName } from './gguf-tensor-name.js';
import { permuteLlamaQk } from './permute-llama-qk.js';
import { llamaCppGreedy, llamaLogs } from './testing/llama-cpp-greedy.js';
import { readGgufTensors, type ReadTensor } from './testing/read-gguf-tensors.js';

// Tiny models (hidden 64, intermediate 128: every row a multiple of 32) with wide weights, so greedy
// text varies and equal tokens mean equal computations. Weights stored as f16: the f16 export is
// then exact and llama.cpp differs from us only in arithmetic (it rounds activations to f16 for f16
// matmuls and to q8_0 blocks for quantised ones).
const PROMPT = [72, 101, 108, 108, 111, 44, 32, 100, 111, 99]; // "Hello, doc" as byte tokens
const NEW_TOKENS = 8;

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-gguf-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/**
 * Our greedy continuation (models' generate(), stop tokens off), checking that it leaks no tensor,
 * with the gap between the best and the second-best logit at each step: the room llama.cpp's own
 * rounding has before it would pick another token.
 */
async function ourGreedy(model: CausalLM): Promise<{ tokens: number[]; margins: number[] }> {
  const before = tf.memory().numTensors;
  const r = await generate(model, [PROMPT], { maxNewTokens: NEW_TOKENS, doSample: false, eosTokenIds: [] });
  const tokens = r.tokenIds[0]!;
  const ids = [...PROMPT, ...tokens];
  const logits = tf.tidy(
    () => model.forward({ inputIds: tf.tensor2d([ids], undefined, 'int32') }).dataSync() as Float32Array,
  );
  expect(tf.memory().numTensors).toBe(before);
  const vocab = logits.length / ids.length;
  const margins = tokens.map((token, i) => {
    const p = PROMPT.length - 1 + i;
    const row = [...logits.subarray(p * vocab, (p + 1) * vocab)].sort((a, b) => b - a);
    expect(logits[p * vocab + token], `step ${i}`).toBe(row[0]); // generate() took the argmax
    return row[0]! - row[1]!;
  });
  return { tokens, margins };
}

async function llamaCpp(path: string): Promise<number[]> {
  return llamaCppGreedy(path, PROMPT, NEW_TOKENS).catch((e: Error) => {
    throw new Error(`node-llama-cpp could not run ${path}: ${e.message}\n${llamaLogs()}`);
  });
}

/** Inverse of permuteLlamaQk: the file's interleaved rows back in Hugging Face's order. */
function unpermute(values: Float32Array, rows: number, heads: number): Float32Array {
  const cols = values.length / rows;
  const half = rows / heads / 2;
  const out = new Float32Array(values.length);
  for (let h = 0; h < heads; h++)
    for (let i = 0; i < half; i++)
      for (let j = 0; j < 2; j++) {
        const src = (h * 2 * half + 2 * i + j) * cols;
        out.set(values.subarray(src, src + cols), (h * 2 * half + j * half + i) * cols);
      }
  return out;
}

/** Heads whose rows llama.cpp's llama architecture permutes (0: not permuted). */
function permutedHeads(model: CausalLM, hfName: string): number {
  if (model.config.modelType !== 'llama') return 0;
  if (hfName.includes('.q_proj.')) return model.config.numAttentionHeads;
  if (hfName.includes('.k_proj.')) return model.config.numKeyValueHeads;
  return 0;
}

const matches = (a: number[], b: number[]) => a.filter((t, i) => t === b[i]).length;

// f16: llama.cpp rounds activations to f16 for f16 matmuls, moving logits by ~1e-3 here; the seeds'
// greedy paths keep a top-2 logit gap of at least 0.5 at every step (many seeds have a step under
// 0.05), so the comparison is exact. q8_0/q4_0: llama.cpp also rounds activations to q8_0 blocks,
// which moved logits by up to ~0.15 in these models; llama.cpp is compared with us on the dequantised
// weights until the first step whose gap is under QUANT_MARGIN, where the paths may part.
const QUANT_MARGIN = 0.3;
describe.each([
  { architecture: 'qwen2', tied: true, seed: 5 },
  { architecture: 'llama', tied: false, seed: 7 },
])(
  'exportGguf $architecture (tied embeddings: $tied) run by node-llama-cpp',
  ({ architecture, tied, seed }) => {
    let dir: string;
    let model: CausalLM;
    let expected: number[];
    beforeAll(async () => {
      ({ dir } = await createTinyModel(
        { architecture, seed, initializerRange: 0.5, dtype: 'float16', tieWordEmbeddings: tied },
        join(root, architecture),
      ));
      model = await loadModel(dir);
      const ours = await ourGreedy(model);
      expected = ours.tokens;
      expect(Math.min(...ours.margins)).toBeGreaterThan(0.5);
    });
    afterAll(() => model.dispose());

    it('f16: the file holds every weight exactly, and llama.cpp greedy tokens equal ours', async () => {
      const path = join(root, `${architecture}-f16.gguf`);
      const result = await exportGguf({ model: dir, output: path, outType: 'f16' });
      const read = await readGgufTensors(path);
      const specs = parameterSpecs(model.config);
      expect([...read.keys()].sort()).toEqual(specs.map((s) => ggufTensorName(s.name)).sort());
      expect(read.has('output.weight')).toBe(!tied);
      for (const spec of specs) {
        const t = read.get(ggufTensorName(spec.name)!)!;
        expect(t.shape, spec.name).toEqual(spec.shape);
        expect(t.type, spec.name).toBe(spec.shape.length === 1 ? 'f32' : 'f16');
        const heads = permutedHeads(model, spec.name);
        const original = model.weight(spec.name).dataSync() as Float32Array;
        const want = heads > 0 ? permuteLlamaQk(original, spec.shape[0]!, heads) : original;
        expect(t.values, spec.name).toEqual(want);
      }
      expect(result.tensors.every((x) => x.note === undefined)).toBe(true);
      expect(result.warnings).toEqual([]);

      const parsed = await gguf(path, { allowLocalFile: true, typedMetadata: true });
      const kv = parsed.typedMetadata as unknown as Record<string, { value: unknown; type: GGUFValueType }>;
      const c = model.config;
      const u32 = (value: number) => ({ value, type: GGUFValueType.UINT32 });
      const a = architecture;
      expect(kv['general.architecture']!.value).toBe(a);
      expect(kv['general.name']!.value).toBe(architecture);
      const want: Record<string, unknown> = {
        [`${a}.context_length`]: u32(c.maxPositionEmbeddings),
        [`${a}.embedding_length`]: u32(c.hiddenSize),
        [`${a}.block_count`]: u32(c.numHiddenLayers),
        [`${a}.feed_forward_length`]: u32(c.intermediateSize),
        [`${a}.attention.head_count`]: u32(c.numAttentionHeads),
        [`${a}.attention.head_count_kv`]: u32(c.numKeyValueHeads),
        [`${a}.rope.freq_base`]: { value: c.ropeTheta, type: GGUFValueType.FLOAT32 },
        [`${a}.attention.layer_norm_rms_epsilon`]: {
          value: Math.fround(c.rmsNormEps),
          type: GGUFValueType.FLOAT32,
        },
        'general.file_type': u32(1),
        'tokenizer.ggml.model': { value: 'gpt2', type: GGUFValueType.STRING },
        'tokenizer.ggml.pre': { value: 'qwen2', type: GGUFValueType.STRING },
        'tokenizer.ggml.eos_token_id': u32(258),
        ...(a === 'llama'
          ? { 'llama.vocab_size': u32(c.vocabSize), 'llama.rope.dimension_count': u32(c.headDim) }
          : {}),
      };
      for (const [key, value] of Object.entries(want)) expect(kv[key], key).toEqual(value);
      expect((kv['tokenizer.ggml.tokens']!.value as string[]).length).toBe(c.vocabSize);

      const got = await llamaCpp(path);
      expect(got).toEqual(expected);
    });

    it.each(['q8_0', 'q4_0'] as const)(
      '%s: blocks within the format error; llama.cpp greedy agrees with ours on the dequantised weights',
      async (outType) => {
        const path = join(root, `${architecture}-${outType}.gguf`);
        const result = await exportGguf({ model: dir, output: path, outType });
        const read = await readGgufTensors(path);
        const before = tf.memory().numTensors;
        const dequantised = await loadModel(dir);
        try {
          for (const spec of parameterSpecs(model.config)) {
            const name = ggufTensorName(spec.name)!;
            const t: ReadTensor = read.get(name)!;
            const isOutputMatrix = name === (tied ? 'token_embd.weight' : 'output.weight');
            const type =
              spec.shape.length === 1 ? 'f32' : outType === 'q4_0' && isOutputMatrix ? 'q8_0' : outType;
            expect(t.type, name).toBe(type);
            const heads = permutedHeads(model, spec.name);
            const values = heads > 0 ? unpermute(t.values, spec.shape[0]!, heads) : t.values;
            const original = model.weight(spec.name).dataSync() as Float32Array;
            // Per block of 32: |error| <= d/2 plus the f16 rounding of d (q8_0, d = amax/127); q4_0's
            // d = amax/8 and the clamp of +amax to 7d when the extreme value is negative allow up to d.
            for (let b = 0; b < original.length / 32 && t.type !== 'f32'; b++) {
              const block = original.subarray(b * 32, b * 32 + 32);
              const amax = Math.max(...block.map(Math.abs));
              const bound = t.type === 'q8_0' ? (amax / 127) * 0.6 : (amax / 8) * 1.01;
              for (let j = 0; j < 32; j++) {
                expect(Math.abs(values[b * 32 + j]! - block[j]!), `${name} block ${b}`).toBeLessThanOrEqual(
                  bound,
                );
              }
            }
            if (t.type === 'f32') expect(values, name).toEqual(original);
            dequantised.setWeight(spec.name, tf.tensor(values, spec.shape));
          }
          const { tokens: onDequantised, margins } = await ourGreedy(dequantised);
          const got = await llamaCpp(path);
          const close = margins.findIndex((m) => m < QUANT_MARGIN);
          const agreed = close === -1 ? NEW_TOKENS : close;
          console.log(
            `${architecture} ${outType}: llama.cpp greedy ${got.join(' ')}; ours on the dequantised weights ` +
              `${onDequantised.join(' ')}; the f16 model's ${expected.join(' ')} ` +
              `(${matches(got, onDequantised)}/${NEW_TOKENS} equal to ours on the dequantised weights, ` +
              `${matches(got, expected)}/${NEW_TOKENS} to the f16 model's; top-2 logit gaps ` +
              `${margins.map((m) => m.toFixed(2)).join(' ')}; ${result.bytes} bytes)`,
          );
          // The steps before the first close call must agree; from there the paths may part.
          expect(got.slice(0, agreed)).toEqual(onDequantised.slice(0, agreed));
          expect(agreed, 'the seed leaves steps to compare').toBeGreaterThanOrEqual(3);
        } finally {
          dequantised.dispose();
        }
        expect(tf.memory().numTensors).toBe(before);
      },
    );
  },
);

describe('exportGguf: other inputs', () => {
  it('a loaded model and its tokenizer directory give the same bytes as the model directory', async () => {
    const { dir } = await createTinyModel(
      { architecture: 'llama', seed: 2, tieWordEmbeddings: false },
      join(root, 'loaded'),
    );
    const fromDir = join(root, 'from-dir.gguf');
    const fromModel = join(root, 'from-model.gguf');
    await exportGguf({ model: dir, output: fromDir, outType: 'q8_0', name: 'same' });
    const before = tf.memory().numTensors;
    const model = await loadModel(dir);
    try {
      await exportGguf({ model, tokenizer: dir, output: fromModel, outType: 'q8_0', name: 'same' });
    } finally {
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(Buffer.compare(await readFile(fromDir), await readFile(fromModel))).toBe(0);
    await expect(
      exportGguf({ model: await loadModel(dir), output: fromModel, outType: 'f16' }),
    ).rejects.toThrow('a loaded model needs the tokenizer directory (options.tokenizer)');
  });

  it.each(['qwen3', 'mistral'])('%s f16: llama.cpp greedy tokens equal ours', async (architecture) => {
    // qwen3: per-head q/k norms (attn_q_norm, attn_k_norm); mistral: exported as llama (q/k permuted).
    const { dir } = await createTinyModel(
      { architecture, seed: 1, initializerRange: 0.5, dtype: 'float16' },
      join(root, architecture),
    );
    const model = await loadModel(dir);
    const { tokens, margins } = await ourGreedy(model);
    model.dispose();
    const path = join(root, `${architecture}-f16.gguf`);
    const result = await exportGguf({ model: dir, output: path, outType: 'f16' });
    expect(result.architecture).toBe(architecture === 'qwen3' ? 'qwen3' : 'llama');
    expect(Math.min(...margins)).toBeGreaterThan(0.1);
    expect(await llamaCpp(path)).toEqual(tokens);
  });

  it.each([
    {
      rope_type: 'llama3',
      factor: 8,
      low_freq_factor: 1,
      high_freq_factor: 4,
      original_max_position_embeddings: 32,
    },
    { rope_type: 'linear', factor: 4 },
  ])('RoPE scaling $rope_type: llama.cpp greedy tokens equal ours', async (ropeScaling) => {
    // head_dim 16: wavelengths from 6 to ~20000 positions, so llama3's three regimes all occur.
    const { dir } = await createTinyModel(
      { architecture: 'llama', seed: 8, initializerRange: 0.5, dtype: 'float16', ropeScaling },
      join(root, `rope-${ropeScaling.rope_type}`),
    );
    const model = await loadModel(dir);
    const { tokens, margins } = await ourGreedy(model);
    model.dispose();
    const path = join(root, `rope-${ropeScaling.rope_type}.gguf`);
    const result = await exportGguf({ model: dir, output: path, outType: 'f16' });
    expect(Math.min(...margins)).toBeGreaterThan(0.1);
    expect(await llamaCpp(path)).toEqual(tokens);
    expect(result.tensors.some((t) => t.name === 'rope_freqs.weight')).toBe(
      ropeScaling.rope_type === 'llama3',
    );
  });

  it('q8_0 stores matrices with rows not a multiple of 32 as f16 (noted), and llama.cpp runs the file', async () => {
    const { dir } = await createTinyModel(
      { architecture: 'qwen2', seed: 1, hiddenSize: 48 },
      join(root, 'ragged'),
    );
    const path = join(root, 'ragged-q8_0.gguf');
    const result = await exportGguf({ model: dir, output: path, outType: 'q8_0' });
    const types = Object.fromEntries(result.tensors.map((t) => [t.name, t.type]));
    expect(types['blk.0.attn_q.weight']).toBe('f16'); // rows of 48
    expect(types['blk.0.ffn_down.weight']).toBe('q8_0'); // rows of 128
    expect(result.tensors.find((t) => t.name === 'blk.0.attn_q.weight')!.note).toContain('rows of 48');
    expect((await llamaCpp(path)).length).toBe(NEW_TOKENS);
  });
});

describe('exportGguf: bad input', () => {
  it('q4_0 refuses rows not a multiple of 32, naming file and tensor, and writes nothing', async () => {
    const { dir } = await createTinyModel(
      { architecture: 'qwen2', seed: 1, hiddenSize: 48 },
      join(root, 'ragged4'),
    );
    const out = await mkdtemp(join(root, 'out-'));
    const error = await exportGguf({ model: dir, output: join(out, 'm.gguf'), outType: 'q4_0' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GgufExportError);
    expect((error as Error).message).toBe(
      `${join(dir, 'model.safetensors')}: "blk.0.attn_q.weight": has rows of 48 values (shape [48,48]); q4_0 needs rows that are a multiple of 32 (use q8_0, which falls back to f16 for such tensors)`,
    );
    expect(await readdir(out)).toEqual([]);
  });

  it('refuses a sequence classifier and an unknown out type', async () => {
    const { dir } = await createTinyModel({ architecture: 'qwen2', seed: 1, numLabels: 1 }, join(root, 'rm'));
    await expect(exportGguf({ model: dir, output: join(root, 'rm.gguf'), outType: 'f16' })).rejects.toThrow(
      `${join(dir, 'config.json')}: "architectures": names Qwen2ForSequenceClassification, a sequence classifier (score head); GGUF export takes causal LMs`,
    );
    await expect(
      exportGguf({ model: dir, output: join(root, 'x.gguf'), outType: 'q4_k' as 'q4_0' }),
    ).rejects.toThrow('"outType": is "q4_k"; expected one of f32, f16, q8_0, q4_0');
  });

  it('refuses a checkpoint that lacks a weight or holds one of the wrong shape', async () => {
    const { dir } = await createTinyModel({ architecture: 'llama', seed: 1 }, join(root, 'broken'));
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, num_hidden_layers: 3 }));
    await expect(exportGguf({ model: dir, output: join(root, 'b.gguf'), outType: 'f16' })).rejects.toThrow(
      `${dir}: "model.layers.2.self_attn.q_proj.weight": missing from the checkpoint`,
    );
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, intermediate_size: 96 }));
    await expect(exportGguf({ model: dir, output: join(root, 'b.gguf'), outType: 'f16' })).rejects.toThrow(
      `"model.layers.0.mlp.gate_proj.weight": has shape [128,64]; config.json gives [96,64]`,
    );
  });
});
