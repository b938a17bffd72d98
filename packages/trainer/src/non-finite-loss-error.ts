/**
 * Training stopped on a NaN or infinite loss or gradient norm (--nan_inf_policy stop). The weights
 * were not updated by the bad step; `lastCheckpoint` is the newest checkpoint to resume from.
 */
export class NonFiniteLossError extends Error {
  constructor(
    readonly detail: string,
    readonly step: number,
    readonly lastCheckpoint: string | undefined,
  ) {
    super(
      `training stopped: ${detail}. ` +
        (lastCheckpoint ? `The newest checkpoint is ${lastCheckpoint}. ` : 'No checkpoint was saved yet. ') +
        'Lower --learning_rate, raise --warmup_steps, set --max_grad_norm, or check the data; ' +
        '--nan_inf_policy skip skips such steps instead.',
    );
    this.name = 'NonFiniteLossError';
  }
}
