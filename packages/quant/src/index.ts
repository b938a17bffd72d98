// @medgpt/quant: quantised weights for medgpt (bitsandbytes layouts, GGUF export).

// GGUF export that llama.cpp runs (src/gguf/)
export {
  exportGguf,
  type ExportGgufOptions,
  type ExportGgufResult,
  type ExportedTensor,
} from './gguf/export-gguf.js';
export {
  chooseTensorType,
  GGUF_FILE_TYPES,
  GGUF_OUT_TYPES,
  type GgufOutType,
  type TensorTypeChoice,
} from './gguf/choose-tensor-type.js';
export { GgufExportError } from './gguf/gguf-export-error.js';
export { writeGguf, type GgufTensorSource, type WriteGgufResult } from './gguf/write-gguf.js';
export {
  encodeGgufHeader,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VERSION,
  type GgufTensorInfo,
} from './gguf/encode-gguf-header.js';
export {
  ggufValue,
  GGUF_VALUE_TYPES,
  type GgufMetadata,
  type GgufValue,
  type GgufScalarType,
} from './gguf/gguf-value.js';
export { GGML_TYPES, ggmlTensorBytes, type GgmlTypeName, type GgmlTypeInfo } from './gguf/ggml-type.js';
export { quantizeQ8_0, dequantizeQ8_0 } from './gguf/block-q8-0.js';
export { quantizeQ4_0, dequantizeQ4_0 } from './gguf/block-q4-0.js';
export { encodeTensorData } from './gguf/encode-tensor-data.js';
export { ggufTensorName } from './gguf/gguf-tensor-name.js';
export { permuteLlamaQk } from './gguf/permute-llama-qk.js';
export { GGUF_ARCHITECTURES, type GgufArchitecture } from './gguf/gguf-architecture.js';
export { detectPreTokenizer, KNOWN_PRE_TOKENIZERS } from './gguf/detect-pre-tokenizer.js';
export {
  tokenizerMetadata,
  GGUF_TOKEN_TYPES,
  type TokenizerMetadataOptions,
} from './gguf/tokenizer-metadata.js';
export { llama3RopeFactors } from './gguf/rope-metadata.js';

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
export { readBnbWeight, bnbFormatOf, type BnbTensorSource } from './bnb/read-bnb-weight.js';
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

// Quantised checkpoints (src/checkpoint/): `medgpt quantize` and `medgpt eval --perplexity`
export {
  quantizeCheckpoint,
  isQuantizedLinear,
  type QuantizeCheckpointOptions,
  type QuantizeCheckpointResult,
} from './checkpoint/quantize-checkpoint.js';
export {
  DequantizationErrors,
  weightKind,
  type DequantizationError,
} from './checkpoint/dequantization-errors.js';
export { ShardWriter, type ShardWriteResult } from './checkpoint/shard-writer.js';
export { MODEL_SIDE_FILES, copyModelFiles } from './checkpoint/copy-model-files.js';
export { bnbWeightReader, type BnbWeightReaderOptions } from './checkpoint/bnb-weight-reader.js';
export { bnbQuantizedWeight } from './bnb/bnb-quantized-weight.js';
export { quantizingReader } from './checkpoint/quantizing-reader.js';
export { checkKbitOptions, type KbitOptions } from './checkpoint/kbit-options.js';
export { loadKbitModel, type LoadedKbitModel } from './checkpoint/load-kbit-model.js';
export { holdFrozenWeightsInBf16, type HoldInBf16Options } from './checkpoint/hold-frozen-weights-in-bf16.js';
export { loadQuantizedModel, type LoadedQuantizedModel } from './checkpoint/load-quantized-model.js';
export {
  evaluatePerplexity,
  DEFAULT_PERPLEXITY_MAX_LENGTH,
  type EvaluatePerplexityOptions,
  type EvaluatePerplexityResult,
} from './checkpoint/evaluate-perplexity.js';
