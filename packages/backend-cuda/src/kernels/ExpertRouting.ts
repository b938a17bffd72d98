// ExpertRouting (core-tensor's expertRouting) over csrc/ExpertRouting.cu: the top-k per token (a warp
// each), then the stable counting sort of the slots by expert in one block. Nothing is read back.
import { ExpertRouting, tf, type ExpertRoutingAttrs } from '@medgpt/core-tensor';
import { filled } from './Fill.js';
import { cudaBackend, gridFor, requireFloat32 } from './launch-config.js';

/** csrc/ExpertRouting.cu's ROUTING_MAX_EXPERTS. */
const MAX_EXPERTS = 256;

export const expertRoutingConfig: tf.KernelConfig = {
  kernelName: ExpertRouting,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { probs } = inputs as { probs: tf.TensorInfo };
    const { k } = attrs as ExpertRoutingAttrs;
    requireFloat32(ExpertRouting, 'probs', probs);
    const [tokens, experts] = probs.shape as [number, number];
    if (probs.shape.length !== 2 || experts > MAX_EXPERTS || k < 1 || k > experts) {
      throw new RangeError(
        `cuda ExpertRouting: probs [${probs.shape}] with k ${k}; at most ${MAX_EXPERTS} experts and 1 <= k <= experts`,
      );
    }
    const slots = tokens * k;
    const chosen = backend.makeTensorInfo([slots], 'int32');
    const tokenOfPosition = backend.makeTensorInfo([slots], 'int32');
    const positionOfSlot = backend.makeTensorInfo([slots], 'int32');
    if (slots === 0) return [chosen, filled(backend, [experts], 'int32', 0), tokenOfPosition, positionOfSlot];
    const sizes = backend.makeTensorInfo([experts], 'int32');
    const r = backend.runtime;
    r.fn('ExpertRouting', 'expert_topk').launch(r.stream, gridFor(tokens * 32), 256, 0, [
      backend.pointer(probs),
      backend.pointer(chosen),
      tokens,
      experts,
      k,
    ]);
    r.fn('ExpertRouting', 'expert_sort').launch(r.stream, 1, 1024, 0, [
      backend.pointer(chosen),
      backend.pointer(sizes),
      backend.pointer(tokenOfPosition),
      backend.pointer(positionOfSlot),
      slots,
      experts,
      k,
    ]);
    return [chosen, sizes, tokenOfPosition, positionOfSlot];
  },
};
