// @medgpt/quant: quantised weights for medgpt (bitsandbytes layouts, GGUF export).

// bitsandbytes formats, bit-exact with its CUDA kernels (src/bnb/)
export { NF4_CODE, NF4_THRESHOLDS, quantizeNf4, dequantizeNf4 } from './bnb/nf4-code.js';
export { FP4_CODE, FP4_MAGNITUDES, FP4_THRESHOLDS, quantizeFp4, dequantizeFp4 } from './bnb/fp4-code.js';
export { createDynamicMap, linspaceF32 } from './bnb/create-dynamic-map.js';
export {
  quantizeBlockwise,
  quantizeWithMap,
  dequantizeBlockwise,
  BLOCKWISE_8BIT_BLOCKSIZES,
  type Blockwise8bit,
} from './bnb/quantize-blockwise.js';
export {
  doubleQuantizeAbsmax,
  dequantizeNestedAbsmax,
  NESTED_BLOCKSIZE,
  type NestedAbsmax,
  type DoubleQuantizeOptions,
} from './bnb/double-quantize-absmax.js';
export {
  quantize4bit,
  FOUR_BIT_QUANT_TYPES,
  FOUR_BIT_BLOCKSIZES,
  type FourBitQuantType,
  type Bnb4bitWeight,
  type Quantize4bitOptions,
} from './bnb/quantize-4bit.js';
export { dequantize4bit, blockAbsmax } from './bnb/dequantize-4bit.js';
export {
  quantizeInt8Rows,
  dequantizeInt8Rows,
  roundHalfEven,
  INV_127,
  type Int8Rows,
  type QuantizeInt8Options,
} from './bnb/quantize-int8-rows.js';
export { BNB_DTYPES, isBnbDtype, roundToDtype, type BnbDtype } from './bnb/bnb-dtype.js';
export {
  quantizeBnbWeight,
  dequantizeBnbWeight,
  type BnbWeight,
  type BnbInt8Weight,
  type QuantizeBnbOptions,
} from './bnb/bnb-weight.js';
export { quantizeBnbTensor } from './bnb/quantize-bnb-tensor.js';
export { bnbWeightTensors, quantStateTensorName } from './bnb/bnb-weight-tensors.js';
export { readBnbWeight, bnbFormatOf } from './bnb/read-bnb-weight.js';
export { loadBnbWeight } from './bnb/load-bnb-weight.js';
export { quantStateJsonText, parseQuantStateJson, type QuantStateJson } from './bnb/quant-state-json.js';
export {
  bnbQuantizationConfig,
  parseBnbQuantizationConfig,
  quantizationConfigJson,
  type BnbQuantizationConfig,
} from './bnb/bnb-quantization-config.js';
export { bnbConfigJsonText } from './bnb/bnb-config-json-text.js';
export { pythonJsonDumps, pythonFloatRepr, type PythonJsonOptions } from './bnb/python-json-dumps.js';
export { BnbError, type BnbErrorOptions } from './bnb/bnb-error.js';
