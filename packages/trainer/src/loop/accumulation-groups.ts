import type { ResumableBatchIterator } from '@medgpt/data';

/** The micro-batches of one optimizer step, and where the data stream stands after them. */
export interface AccumulationGroup<E> {
  batches: E[][];
  /** 0-based epoch of these batches. */
  epoch: number;
  /** HF's fractional epoch after this step: epoch + batches done in it / batches per epoch. */
  epochProgress: number;
  /** Whether this group ends its epoch. */
  endsEpoch: boolean;
}

/**
 * Takes the next optimizer step's micro-batches as transformers does: gradient_accumulation_steps of
 * them, except the last step of an epoch, which takes what is left (a group never spans two epochs).
 */
export function nextAccumulationGroup<E>(
  iterator: ResumableBatchIterator<E>,
  gradientAccumulationSteps: number,
): AccumulationGroup<E> {
  const perEpoch = iterator.batchesPerEpoch;
  const at = iterator.state().batchIndex;
  const left = at >= perEpoch ? perEpoch : perEpoch - at;
  const count = Math.min(gradientAccumulationSteps, left);
  const batches: E[][] = [];
  let epoch = 0;
  let index = 0;
  for (let i = 0; i < count; i++) {
    const batch = iterator.next();
    batches.push(batch.items);
    epoch = batch.epoch;
    index = batch.batchIndex;
  }
  return {
    batches,
    epoch,
    epochProgress: epoch + (index + 1) / perEpoch,
    endsEpoch: index + 1 === perEpoch,
  };
}
