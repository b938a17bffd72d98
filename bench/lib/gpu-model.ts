// What the GPU benchmark programs share (bench/gpu/gpu-train.ts, bench/gpu/gpu-dpo.ts): the backend setup, the
// Qwen2.5-0.5B-shaped random model, the device memory figures and a device sync.
import { tf } from '@medgpt/core-tensor';
import { createCudaProvider, type CudaBackend, type MatmulPrecision } from '@medgpt/backend-cuda';
import {
  CausalLM,
  parameterSpecs,
  parseGenerationConfig,
  parseModelConfig,
  writeGenerationConfig,
} from '@medgpt/models';

const MiB = 2 ** 20;

/** Loads the cuda backend (exit 2 when it is not available) or picks `backend`, and waits for it. */
export async function setupBackend(backend: string, matmul: string): Promise<void> {
  if (backend === 'cuda') {
    const availability = await createCudaProvider({
      matmulPrecision: matmul as MatmulPrecision,
    }).load();
    if (!availability.ok) {
      console.error(`cuda backend not available: ${availability.reason}`);
      process.exit(2);
    }
  }
  await tf.setBackend(backend);
  await tf.ready();
}

/** The sizes of a Qwen2-shaped model (Qwen2.5-0.5B: 24, 151936, 896, 4864, 14, 2). */
export interface QwenShape {
  layers: number;
  vocab: number;
  hidden: number;
  intermediate: number;
  heads: number;
  kvHeads: number;
}

/** Qwen2.5-0.5B's config.json, with the layer count, vocabulary and widths of `shape`. */
export function qwenRawConfig(shape: QwenShape): Record<string, unknown> {
  return {
    architectures: ['Qwen2ForCausalLM'],
    attention_dropout: 0.0,
    bos_token_id: 151643,
    eos_token_id: 151643,
    hidden_act: 'silu',
    hidden_size: shape.hidden,
    initializer_range: 0.02,
    intermediate_size: shape.intermediate,
    max_position_embeddings: 32768,
    max_window_layers: shape.layers,
    model_type: 'qwen2',
    num_attention_heads: shape.heads,
    num_hidden_layers: shape.layers,
    num_key_value_heads: shape.kvHeads,
    rms_norm_eps: 1e-6,
    rope_theta: 1000000.0,
    sliding_window: 32768,
    tie_word_embeddings: true,
    use_cache: true,
    use_sliding_window: false,
    vocab_size: shape.vocab,
  };
}

/** Uniform values of std `std` from a xorshift stream (fast; the values do not matter here). */
export function randomValues(size: number, std: number, state: { s: number }): Float32Array {
  const out = new Float32Array(size);
  const a = std * Math.sqrt(3) * 2 ** -31;
  let s = state.s;
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s * a;
  }
  state.s = s;
  return out;
}

/**
 * The model of `rawConfig` with float32 weights drawn on the host (norms 1, biases 0, everything else
 * uniform with std 0.02 from a fixed xorshift seed), so every run builds the same weights.
 */
export function buildRandomModel(rawConfig: Record<string, unknown>): CausalLM {
  const config = parseModelConfig(rawConfig, '<qwen2.5-0.5b shape>');
  const state = { s: 0x2545f491 };
  const weights = new Map<string, tf.Tensor>();
  for (const spec of parameterSpecs(config)) {
    const size = spec.shape.reduce((n, d) => n * d, 1);
    const values =
      spec.kind === 'norm'
        ? new Float32Array(size).fill(1)
        : spec.kind === 'bias'
          ? new Float32Array(size)
          : randomValues(size, 0.02, state);
    weights.set(spec.name, tf.tensor(values, spec.shape, 'float32'));
  }
  const generationConfig = parseGenerationConfig(
    { bos_token_id: 151643, eos_token_id: 151643, pad_token_id: 151643 },
    '<bench>',
  );
  return new CausalLM({
    config,
    weights,
    generationConfig,
    rawConfig,
    rawGenerationConfig: writeGenerationConfig(generationConfig),
  });
}

type GpuMemory = tf.MemoryInfo & { numBytesInGPU?: number; numBytesInGPUPeak?: number };

/**
 * Device memory in MiB: what live tensors hold now, and the backend's pool high-water mark (the
 * driver pool's reserved peak, comparable to PyTorch's max_memory_reserved; 0 on host backends).
 */
export function memoryMiB(): { liveMiB: number; poolPeakMiB: number } {
  const mem = tf.memory() as GpuMemory;
  return {
    liveMiB: Math.round((mem.numBytesInGPU ?? 0) / MiB),
    poolPeakMiB: Math.round((mem.numBytesInGPUPeak ?? 0) / MiB),
  };
}

/** Waits for the GPU work queued so far (cuda); host backends finish their work in the call. */
export function deviceSync(): void {
  if (tf.getBackend() === 'cuda') (tf.backend() as CudaBackend).runtime.cuda.synchronize('bench');
}
