import type { TrainingArguments } from '../training-arguments.js';

/** Saved with checkpoints so a resumed fp16 run continues with the same loss scale. */
export interface PrecisionState {
  name: string;
  scale: number;
  goodSteps: number;
}

/**
 * The mixed-precision hook of the loop. The loss of each micro-batch is multiplied by `lossScale`
 * before backward and the gradients divided by it after; `update` is told whether the step's
 * gradients were finite and answers whether the step may be applied. Storage precision (bf16/fp16
 * weights and activations) is the backend's business: cpu and wasm compute in float32.
 */
export interface PrecisionPolicy {
  readonly name: 'fp32' | 'bf16' | 'fp16';
  readonly lossScale: number;
  /** Whether a step with these gradients is applied (false: an fp16 overflow, skip and rescale). */
  update(finite: boolean): boolean;
  state(): PrecisionState;
  loadState(state: PrecisionState): void;
}

/** fp32 and bf16: no loss scaling (bf16 has fp32's exponent range); a non-finite step is an error case. */
class UnscaledPolicy implements PrecisionPolicy {
  readonly lossScale = 1;
  constructor(readonly name: 'fp32' | 'bf16') {}
  update(finite: boolean): boolean {
    return finite;
  }
  state(): PrecisionState {
    return { name: this.name, scale: 1, goodSteps: 0 };
  }
  loadState(): void {}
}

/**
 * fp16: torch.amp.GradScaler's dynamic loss scale (initial 2^16, halved on an overflowing step, which
 * is skipped, and doubled after 2000 good steps in a row).
 */
export class DynamicLossScale implements PrecisionPolicy {
  readonly name = 'fp16';
  private scale: number;
  private goodSteps = 0;

  constructor(
    initialScale = 2 ** 16,
    private readonly growthInterval = 2000,
  ) {
    this.scale = initialScale;
  }

  get lossScale(): number {
    return this.scale;
  }

  update(finite: boolean): boolean {
    if (!finite) {
      this.scale /= 2;
      this.goodSteps = 0;
      return false;
    }
    this.goodSteps += 1;
    if (this.goodSteps === this.growthInterval) {
      this.scale *= 2;
      this.goodSteps = 0;
    }
    return true;
  }

  state(): PrecisionState {
    return { name: this.name, scale: this.scale, goodSteps: this.goodSteps };
  }

  loadState(state: PrecisionState): void {
    if (state.name !== 'fp16') return; // a run that switched precision starts a fresh scale
    this.scale = state.scale;
    this.goodSteps = state.goodSteps;
  }
}

/** The policy `--bf16` / `--fp16` ask for. */
export function precisionPolicy(args: Pick<TrainingArguments, 'bf16' | 'fp16'>): PrecisionPolicy {
  if (args.fp16) return new DynamicLossScale();
  return new UnscaledPolicy(args.bf16 ? 'bf16' : 'fp32');
}
