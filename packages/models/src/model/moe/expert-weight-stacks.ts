import { tf } from '@medgpt/core-tensor';
import type { MoeConfig } from '../../config/moe-config.js';
import { moeModuleNames } from '../../weights/moe-module-names.js';

/** The module names of every sparse layer's projections, one list of E experts each (gate, up, down). */
export function expertProjections(moe: MoeConfig): string[][] {
  return moe.sparseLayers.flatMap((sparse, layer) => {
    if (!sparse) return [];
    const { experts } = moeModuleNames(moe, layer);
    return (['gate', 'up', 'down'] as const).map((p) => experts.map((e) => e[p]));
  });
}

/**
 * The experts' weights of each sparse-layer projection stacked [E, out, in], as groupedMatMul takes
 * them, from the per-expert parameters the model keeps (HF's names, peft's targets). The model stacks
 * its float experts when it is made (`prepare`), so a mixture of experts holds its expert weights twice;
 * a stack is remade when one of its weights is replaced (merge, loading), and while any of them is a
 * trainable variable (full fine-tuning) it is stacked on the tape at each forward instead (their
 * gradients reach them) and the kept copy is freed. dispose() frees what is kept.
 */
export class ExpertWeightStacks {
  private readonly kept = new Map<string, { ids: tf.DataId[]; stacked: tf.Tensor3D }>();

  /** Stacks every projection whose weights `weight` finds (float32 [out, in], by module name). */
  prepare(projections: readonly string[][], weight: (module: string) => tf.Tensor | undefined): void {
    for (const modules of projections) {
      const ws = modules.map(weight);
      if (ws.every((w) => w !== undefined && w.dtype === 'float32'))
        tf.tidy(() => void this.stack(modules[0]!, ws as tf.Tensor2D[]));
    }
  }

  /** `weights` [out, in] each (the modules whose first is `key`), stacked [E, out, in]. */
  stack(key: string, weights: readonly tf.Tensor2D[]): tf.Tensor3D {
    const found = this.kept.get(key);
    if (weights.some((w) => w instanceof tf.Variable && w.trainable)) {
      found?.stacked.dispose();
      this.kept.delete(key);
      return tf.stack([...weights]) as tf.Tensor3D;
    }
    if (found?.ids.length === weights.length && found.ids.every((id, i) => id === weights[i]!.dataId))
      return found.stacked;
    found?.stacked.dispose();
    const stacked = tf.keep(tf.stack([...weights]) as tf.Tensor3D);
    this.kept.set(key, { ids: weights.map((w) => w.dataId), stacked });
    return stacked;
  }

  dispose(): void {
    for (const { stacked } of this.kept.values()) stacked.dispose();
    this.kept.clear();
  }
}
