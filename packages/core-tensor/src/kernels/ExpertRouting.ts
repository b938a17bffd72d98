import { ExpertRouting, type ExpertRoutingAttrs } from '../kernel-names.js';
import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';

/** Whether value a (index ia) ranks before b (index ib): larger first, NaN below numbers, ties by index. */
export function ranksBefore(a: number, ia: number, b: number, ib: number): boolean {
  const ka = Number.isNaN(a) ? -Infinity : a;
  const kb = Number.isNaN(b) ? -Infinity : b;
  return ka > kb || (ka === kb && ia < ib);
}

/**
 * Input `probs` [T, E]; attrs { k }. Outputs (int32) [experts [T*k], groupSizes [E], tokenOfPosition
 * [T*k], positionOfSlot [T*k]]: each row's k best experts (ranksBefore), then a stable counting sort of
 * the slots by expert.
 */
export const expertRoutingHostKernel: HostKernelImpl = ({ probs }, attrs) => {
  const { k } = attrs as ExpertRoutingAttrs;
  const p = probs!.values as Float32Array;
  const [tokens, numExperts] = probs!.shape as [number, number];
  const slots = tokens * k;
  const experts = new Int32Array(slots);
  const taken = new Uint8Array(numExperts);
  for (let t = 0; t < tokens; t++) {
    taken.fill(0);
    const row = t * numExperts;
    for (let j = 0; j < k; j++) {
      let best = -1;
      for (let e = 0; e < numExperts; e++) {
        if (taken[e] === 1) continue;
        if (best < 0 || ranksBefore(p[row + e]!, e, p[row + best]!, best)) best = e;
      }
      taken[best] = 1;
      experts[t * k + j] = best;
    }
  }
  const sizes = new Int32Array(numExperts);
  for (const e of experts) sizes[e]! += 1;
  const next = new Int32Array(numExperts);
  for (let e = 1; e < numExperts; e++) next[e] = next[e - 1]! + sizes[e - 1]!;
  const tokenOfPosition = new Int32Array(slots);
  const positionOfSlot = new Int32Array(slots);
  for (let s = 0; s < slots; s++) {
    const pos = next[experts[s]!]!++;
    tokenOfPosition[pos] = Math.floor(s / k);
    positionOfSlot[s] = pos;
  }
  return [
    { values: experts, shape: [slots], dtype: 'int32' },
    { values: sizes, shape: [numExperts], dtype: 'int32' },
    { values: tokenOfPosition, shape: [slots], dtype: 'int32' },
    { values: positionOfSlot, shape: [slots], dtype: 'int32' },
  ];
};

export const expertRoutingConfig: HostKernelConfig = {
  kernelName: ExpertRouting,
  kernelFunc: hostKernelFunc(expertRoutingHostKernel),
};
