/** Max and mean absolute dequantisation error of one kind of weight (e.g. `self_attn.q_proj`). */
export interface DequantizationError {
  /** The module name inside a decoder layer: `self_attn.q_proj`, `mlp.down_proj` ... */
  kind: string;
  /** Weights of this kind (one per layer). */
  weights: number;
  /** Values over those weights. */
  values: number;
  /** max |dequantised - original| over them. */
  maxAbs: number;
  /** mean |dequantised - original| over them. */
  meanAbs: number;
}

/** `model.layers.3.self_attn.q_proj.weight` -> `self_attn.q_proj`. */
export function weightKind(name: string): string {
  return name.replace(/^model\.layers\.\d+\./, '').replace(/\.weight$/, '');
}

/** Accumulates the dequantisation error of each weight, by kind, in float64. */
export class DequantizationErrors {
  private readonly byKind = new Map<string, { weights: number; values: number; max: number; sum: number }>();

  add(name: string, original: Float32Array, dequantized: Float32Array): void {
    const kind = weightKind(name);
    const e = this.byKind.get(kind) ?? { weights: 0, values: 0, max: 0, sum: 0 };
    for (let i = 0; i < original.length; i++) {
      const d = Math.abs(dequantized[i]! - original[i]!);
      if (d > e.max) e.max = d;
      e.sum += d;
    }
    e.weights += 1;
    e.values += original.length;
    this.byKind.set(kind, e);
  }

  /** One entry per kind, in the order first seen. */
  summary(): DequantizationError[] {
    return [...this.byKind].map(([kind, e]) => ({
      kind,
      weights: e.weights,
      values: e.values,
      maxAbs: e.max,
      meanAbs: e.values === 0 ? 0 : e.sum / e.values,
    }));
  }
}
