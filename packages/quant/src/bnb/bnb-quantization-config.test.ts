import { describe, expect, it } from 'vitest';
import { bnbConfigJsonText } from './bnb-config-json-text.js';
import {
  bnbQuantizationConfig,
  parseBnbQuantizationConfig,
  quantizationConfigJson,
} from './bnb-quantization-config.js';

// quantization_config of an NF4 double-quant model as transformers writes it in config.json (sorted keys).
const HUB_NF4 = {
  _load_in_4bit: true,
  _load_in_8bit: false,
  bnb_4bit_compute_dtype: 'bfloat16',
  bnb_4bit_quant_storage: 'uint8',
  bnb_4bit_quant_type: 'nf4',
  bnb_4bit_use_double_quant: true,
  llm_int8_enable_fp32_cpu_offload: false,
  llm_int8_has_fp16_weight: false,
  llm_int8_skip_modules: null,
  llm_int8_threshold: 6.0,
  load_in_4bit: true,
  load_in_8bit: false,
  quant_method: 'bitsandbytes',
};

describe('quantization_config (transformers BitsAndBytesConfig)', () => {
  it('reads what transformers writes and writes it back with the same keys', () => {
    const c = parseBnbQuantizationConfig(HUB_NF4, 'model/config.json');
    expect(c).toMatchObject({
      load_in_4bit: true,
      bnb_4bit_quant_type: 'nf4',
      bnb_4bit_use_double_quant: true,
      bnb_4bit_compute_dtype: 'bfloat16',
    });
    const json = quantizationConfigJson(c);
    expect(Object.keys(json).sort()).toEqual(Object.keys(HUB_NF4).sort());
    expect(json).toEqual(HUB_NF4);
  });

  it("fills transformers' defaults (quant type fp4, threshold 6.0, compute float32)", () => {
    const c = bnbQuantizationConfig({ load_in_8bit: true });
    expect(c).toEqual({
      load_in_4bit: false,
      load_in_8bit: true,
      llm_int8_threshold: 6,
      llm_int8_skip_modules: null,
      llm_int8_enable_fp32_cpu_offload: false,
      llm_int8_has_fp16_weight: false,
      bnb_4bit_quant_type: 'fp4',
      bnb_4bit_use_double_quant: false,
      bnb_4bit_compute_dtype: 'float32',
      bnb_4bit_quant_storage: 'uint8',
    });
  });

  it('writes config.json as transformers does, llm_int8_threshold as a float (an int is a TypeError there)', () => {
    const c = bnbQuantizationConfig({
      load_in_4bit: true,
      bnb_4bit_quant_type: 'nf4',
      llm_int8_skip_modules: ['lm_head'],
    });
    const text = bnbConfigJsonText({ model_type: 'qwen2', rope_theta: 1000000, hidden_size: 64 }, c);
    expect(text).toBe(
      [
        '{',
        '  "hidden_size": 64,',
        '  "model_type": "qwen2",',
        '  "quantization_config": {',
        '    "_load_in_4bit": true,',
        '    "_load_in_8bit": false,',
        '    "bnb_4bit_compute_dtype": "float32",',
        '    "bnb_4bit_quant_storage": "uint8",',
        '    "bnb_4bit_quant_type": "nf4",',
        '    "bnb_4bit_use_double_quant": false,',
        '    "llm_int8_enable_fp32_cpu_offload": false,',
        '    "llm_int8_has_fp16_weight": false,',
        '    "llm_int8_skip_modules": [',
        '      "lm_head"',
        '    ],',
        '    "llm_int8_threshold": 6.0,',
        '    "load_in_4bit": true,',
        '    "load_in_8bit": false,',
        '    "quant_method": "bitsandbytes"',
        '  },',
        '  "rope_theta": 1000000.0',
        '}',
        '',
      ].join('\n'),
    );
    expect(parseBnbQuantizationConfig(JSON.parse(text).quantization_config, 'c.json')).toEqual(c);
  });

  it('names the file, the key, the value and the expected form', () => {
    expect(() =>
      parseBnbQuantizationConfig({ ...HUB_NF4, bnb_4bit_quant_type: 'int4' }, 'm/config.json'),
    ).toThrow(
      'm/config.json: key "quantization_config.bnb_4bit_quant_type": is "int4"; expected "nf4" or "fp4"',
    );
    expect(() => parseBnbQuantizationConfig({ ...HUB_NF4, quant_method: 'gptq' }, 'f')).toThrow(
      /quant_method.*"gptq"; expected "bitsandbytes"/,
    );
    expect(() => parseBnbQuantizationConfig({ ...HUB_NF4, load_in_8bit: true }, 'f')).toThrow(
      /both load_in_4bit and load_in_8bit/,
    );
    expect(() => parseBnbQuantizationConfig({ quant_method: 'bitsandbytes' }, 'f')).toThrow(/neither/);
    expect(() => parseBnbQuantizationConfig({ ...HUB_NF4, bnb_4bit_quant_storage: 'bfloat16' }, 'f')).toThrow(
      /bnb_4bit_quant_storage.*"bfloat16"; expected "uint8"/,
    );
    expect(() => parseBnbQuantizationConfig({ ...HUB_NF4, llm_int8_skip_modules: 'lm_head' }, 'f')).toThrow(
      /llm_int8_skip_modules.*null or a list/,
    );
    expect(() => parseBnbQuantizationConfig([1], 'f')).toThrow(/is \[1\]; expected an object/);
  });
});
