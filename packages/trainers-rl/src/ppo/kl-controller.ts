/**
 * The KL coefficient of PPO's per-token penalty: fixed (TRL's PPOTrainer), or adaptive as in TRL's
 * original PPO (Ziegler et al. 2019): after each rollout batch of n samples, β ← β·(1 + e·n/horizon)
 * with e = clip(KL/target − 1, −0.2, 0.2), so β grows while the policy drifts past the target KL.
 */
export class KlController {
  constructor(
    private coefficient: number,
    private readonly adaptive: { target: number; horizon: number } | null = null,
  ) {
    if (!(coefficient >= 0 && Number.isFinite(coefficient)))
      throw new RangeError(`KlController: the coefficient must be >= 0, got ${coefficient}`);
    if (adaptive && !(adaptive.target > 0 && adaptive.horizon > 0))
      throw new RangeError('KlController: target and horizon must be > 0');
  }

  get value(): number {
    return this.coefficient;
  }

  /** Updates β from the mean sequence KL of a rollout batch of `samples` completions (no-op when fixed). */
  update(kl: number, samples: number): void {
    if (this.adaptive === null || !Number.isFinite(kl)) return;
    const error = Math.min(0.2, Math.max(-0.2, kl / this.adaptive.target - 1));
    this.coefficient *= 1 + (error * samples) / this.adaptive.horizon;
  }
}
