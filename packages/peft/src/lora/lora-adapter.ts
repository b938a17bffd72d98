import type { tf } from '@medgpt/core-tensor';
import type { LoraConfig } from '../config/lora-config.js';
import type { TargetModule } from '../config/resolve-targets.js';

/** The trainable factors of one adapted linear layer. */
export interface LoraModule extends TargetModule {
  /** peft's lora_A.weight, [r, in]. */
  loraA: tf.Variable;
  /** peft's lora_B.weight, [out, r]. */
  loraB: tf.Variable;
  /** DoRA's lora_magnitude_vector [out]; null for plain LoRA. */
  magnitude: tf.Variable | null;
}

/**
 * One named LoRA adapter: its config, the factors of every adapted linear layer, and full copies of the
 * base parameters it trains (modules_to_save, and biases with bias 'all' / 'lora_only'), which replace
 * the base's while the adapter is active. Every tensor here is a tf.Variable the adapter owns.
 */
export class LoraAdapter {
  constructor(
    readonly name: string,
    readonly config: LoraConfig,
    /** By HF module name (`model.layers.0.self_attn.q_proj`). */
    readonly modules: Map<string, LoraModule>,
    /** By HF parameter name (`lm_head.weight`, `model.layers.0.self_attn.q_proj.bias`). */
    readonly parameters: Map<string, tf.Variable>,
  ) {}

  /** Every variable of the adapter, in a stable order: modules (A, B, magnitude) then parameters. */
  variables(): tf.Variable[] {
    const out: tf.Variable[] = [];
    for (const m of this.modules.values()) {
      out.push(m.loraA, m.loraB);
      if (m.magnitude) out.push(m.magnitude);
    }
    return [...out, ...this.parameters.values()];
  }

  /** Number of trainable values (as peft's print_trainable_parameters counts them). */
  get numParameters(): number {
    return this.variables().reduce((n, v) => n + v.size, 0);
  }

  dispose(): void {
    for (const v of this.variables()) v.dispose();
    this.modules.clear();
    this.parameters.clear();
  }
}
