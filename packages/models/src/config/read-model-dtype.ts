import type { ConfigReader } from './config-reader.js';
import { MODEL_DTYPES, type ModelDtype } from './model-config.js';

/**
 * The weights' dtype from transformers 5's `dtype` or 4's `torch_dtype` (`dtype` wins when both are
 * present, as in transformers); float32 when neither is.
 */
export function readModelDtype(r: ConfigReader): ModelDtype {
  const key = r.has('dtype') ? 'dtype' : 'torch_dtype';
  r.accept('dtype', 'torch_dtype');
  const raw = r.string(key, 'float32').replace(/^torch\./, '');
  if (!(MODEL_DTYPES as readonly string[]).includes(raw)) {
    r.fail(key, `is '${raw}'; supported: ${MODEL_DTYPES.join(', ')}`);
  }
  return raw as ModelDtype;
}

/** Checks a user-given dtype option ('auto' keeps the config's). */
export function resolveDtype(option: ModelDtype | 'auto' | undefined, configDtype: ModelDtype): ModelDtype {
  if (option === undefined || option === 'auto') return configDtype;
  if (!MODEL_DTYPES.includes(option)) {
    throw new Error(
      `dtype option is '${String(option)}'; expected 'auto' or one of ${MODEL_DTYPES.join(', ')}`,
    );
  }
  return option;
}
