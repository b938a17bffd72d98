// Quantise a weight to NF4 with double quantisation as bitsandbytes does, save it in transformers'
// layout, read it back dequantised.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, initBackend, SafetensorsFile, writeSafetensors } from '@medgpt/core-tensor';
import { bnbWeightTensors, loadBnbWeight, quantizeBnbWeight } from '@medgpt/quant';

await initBackend();
const [out, inp] = [64, 128];
const values = new Generator(0).normal(out * inp, 0, 0.02); // a linear layer's weight, [out, in]
const w = quantizeBnbWeight(values, [out, inp], { bits: 4, quantType: 'nf4', compressStatistics: true });

const name = 'model.layers.0.mlp.up_proj.weight';
const dir = await mkdtemp(join(tmpdir(), 'bnb-'));
const path = join(dir, 'model.safetensors');
const tensors = bnbWeightTensors(name, w); // weight, .absmax, .quant_map, .nested_*, .quant_state.*
await writeSafetensors(path, tensors, { metadata: { format: 'pt' } });

await using file = await SafetensorsFile.open(path);
const t = await loadBnbWeight(file, name); // float32 [64, 128]
const back = (await t.data()) as Float32Array;
t.dispose();
let worst = 0;
for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(back[i]! - values[i]!));
console.log(`tensors ${[...tensors.keys()].map((k) => k.slice(name.length) || 'weight').join(' ')}`);
console.log(
  `${values.length} values in ${w.bits === 4 ? w.weight.packed.length : 0} bytes, max error ${worst.toFixed(5)}`,
);
await file.close();
await rm(dir, { recursive: true });
