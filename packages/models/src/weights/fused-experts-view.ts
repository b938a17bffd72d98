import type { SafetensorsArray, SafetensorsTensorInfo } from '@medgpt/core-tensor';
import type { ModelConfig } from '../config/model-config.js';
import { ModelError } from '../model-error.js';
import type { CheckpointSource } from './checkpoint-source.js';
import { moeModuleNames } from './moe-module-names.js';

/** A per-expert parameter that is a block of a fused tensor: rows [row, row + rows) of expert `expert`. */
interface Slice {
  source: string;
  expert: number;
  row: number;
  rows: number;
}

const BYTES: Record<string, number> = { F64: 8, F32: 4, BF16: 2, F16: 2 };

/**
 * `ckpt` under the per-expert parameter names of `config`, for the sparse layers saved in transformers 5's
 * fused layout (what `save_pretrained(save_original_format=False)` writes, and the model's own
 * state_dict): `model.layers.<i>.mlp.experts.gate_up_proj` [experts, 2 * width, hidden] (each expert's
 * gate rows, then its up rows), `...experts.down_proj` [experts, hidden, width] and the router
 * `...mlp.gate.weight` (Mixtral's per-expert layout calls it `block_sparse_moe.gate.weight`). Layers in
 * the per-expert layout, and dense models, read through unchanged. A fused tensor is read once for all
 * its experts (the last two are cached).
 */
export function fusedExpertsView(ckpt: CheckpointSource, config: ModelConfig): CheckpointSource {
  const moe = config.moe;
  if (moe === undefined) return ckpt;
  const slices = new Map<string, Slice>();
  const renamed = new Map<string, string>();
  const hidden = new Set<string>();
  const width = moe.expertIntermediateSize;
  moe.sparseLayers.forEach((sparse, layer) => {
    const m = moeModuleNames(moe, layer);
    const fused = `model.layers.${layer}.mlp.`;
    const gateUp = `${fused}experts.gate_up_proj`;
    const down = `${fused}experts.down_proj`;
    if (!sparse || ckpt.has(`${m.experts[0]!.gate}.weight`) || !ckpt.has(gateUp)) return;
    m.experts.forEach((e, expert) => {
      slices.set(`${e.gate}.weight`, { source: gateUp, expert, row: 0, rows: width });
      slices.set(`${e.up}.weight`, { source: gateUp, expert, row: width, rows: width });
      slices.set(`${e.down}.weight`, { source: down, expert, row: 0, rows: config.hiddenSize });
    });
    hidden.add(gateUp).add(down);
    const router = `${m.router}.weight`;
    if (router !== `${fused}gate.weight` && !ckpt.has(router) && ckpt.has(`${fused}gate.weight`)) {
      renamed.set(router, `${fused}gate.weight`);
      hidden.add(`${fused}gate.weight`);
    }
  });
  if (slices.size === 0) return ckpt;

  // [experts, rows per expert, columns] each fused tensor must have.
  const expected = (source: string): number[] =>
    source.endsWith('gate_up_proj')
      ? [moe.numExperts, 2 * width, config.hiddenSize]
      : [moe.numExperts, config.hiddenSize, width];
  const checkedInfo = async (source: string): Promise<SafetensorsTensorInfo> => {
    const info = await ckpt.info(source);
    const want = expected(source);
    if (info.shape.length !== 3 || info.shape.some((d, i) => d !== want[i])) {
      throw new ModelError(
        ckpt.fileFor(source),
        source,
        `has shape [${info.shape}]; expected [${want}] (experts, ${source.endsWith('gate_up_proj') ? '2 * expert width' : 'hidden'}, ${source.endsWith('gate_up_proj') ? 'hidden' : 'expert width'}) as transformers 5 fuses them`,
      );
    }
    return info;
  };
  const cache = new Map<string, Promise<SafetensorsArray>>();
  const readSource = (source: string): Promise<SafetensorsArray> => {
    let array = cache.get(source);
    if (array === undefined) {
      array = checkedInfo(source).then(() => ckpt.readArray(source));
      cache.set(source, array);
      if (cache.size > 2) cache.delete(cache.keys().next().value!);
    }
    return array;
  };
  const sliceOf = (name: string): Slice | undefined => slices.get(name);
  const sourceOf = (name: string): string => sliceOf(name)?.source ?? renamed.get(name) ?? name;

  return {
    path: ckpt.path,
    names: [...ckpt.names.filter((n) => !hidden.has(n)), ...slices.keys(), ...renamed.keys()],
    has: (name) => slices.has(name) || renamed.has(name) || (!hidden.has(name) && ckpt.has(name)),
    fileFor: (name) => ckpt.fileFor(sourceOf(name)),
    async info(name) {
      const s = sliceOf(name);
      if (s === undefined) return { ...(await ckpt.info(sourceOf(name))), name };
      const info = await checkedInfo(s.source);
      const columns = info.shape[2]!;
      const bytes = BYTES[info.dtype] ?? 4;
      const start = info.dataOffsets[0] + (s.expert * info.shape[1]! + s.row) * columns * bytes;
      const byteLength = s.rows * columns * bytes;
      return {
        name,
        dtype: info.dtype,
        shape: [s.rows, columns],
        dataOffsets: [start, start + byteLength],
        byteLength,
      };
    },
    async readArray(name) {
      const s = sliceOf(name);
      if (s === undefined) return ckpt.readArray(sourceOf(name));
      const array = await readSource(s.source);
      const [, perExpert, columns] = array.shape as [number, number, number];
      const start = (s.expert * perExpert + s.row) * columns;
      return {
        dtype: array.dtype,
        shape: [s.rows, columns],
        data: array.data.slice(start, start + s.rows * columns),
      } as SafetensorsArray;
    },
  };
}
