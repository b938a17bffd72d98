import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SafetensorsFile, tf } from '@medgpt/core-tensor';
import type { CausalLM } from '@medgpt/models';
import { parseAdapterConfig } from '../config/adapter-config-json.js';
import type { LoraConfig } from '../config/lora-config.js';
import { adapterLayout } from '../lora/adapter-layout.js';
import { LoraAdapter, type LoraModule } from '../lora/lora-adapter.js';
import { adapterVariable, loraVariableName, savedParameterVariableName } from '../lora/variable-name.js';
import { PeftError } from '../peft-error.js';
import { PEFT_PREFIX, peftTensorRole } from './peft-tensor-names.js';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE } from './save-adapter.js';

export interface LoadAdapterOptions {
  /** peft's is_trainable: the variables are marked trainable (default true; false for inference). */
  trainable?: boolean;
}

/** Reads and validates `dir/adapter_config.json`. */
export async function readAdapterConfig(dir: string): Promise<LoraConfig> {
  const file = join(dir, ADAPTER_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new PeftError(file, undefined, `cannot read the adapter config: ${(e as Error).message}`, {
      cause: e,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PeftError(file, undefined, `not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  return parseAdapterConfig(json, file);
}

// The file's tensors grouped by role, after checking each name.
function sortTensors(file: SafetensorsFile, where: string) {
  const factors = new Map<string, Partial<Record<'lora_A' | 'lora_B' | 'magnitude', string>>>();
  const params = new Map<string, string>();
  for (const name of file.names) {
    if (!name.startsWith(PEFT_PREFIX)) {
      throw new PeftError(
        where,
        name,
        `does not start with "${PEFT_PREFIX}"; expected a peft causal-LM adapter`,
      );
    }
    const role = peftTensorRole(name.slice(PEFT_PREFIX.length));
    if (role.kind === 'unsupported') throw new PeftError(where, name, `${role.why} are not supported`);
    if (role.kind === 'parameter') params.set(role.param, name);
    else factors.set(role.module, { ...factors.get(role.module), [role.kind]: name });
  }
  return { factors, params };
}

async function readChecked(
  file: SafetensorsFile,
  name: string,
  shape: number[],
  hint = '',
): Promise<tf.Tensor> {
  const info = file.info(name);
  if (!['F32', 'BF16', 'F16', 'F64'].includes(info.dtype)) {
    throw new PeftError(file.path, name, `has dtype ${info.dtype}; expected a float dtype`);
  }
  if (!tf.util.arraysEqual(info.shape, shape)) {
    throw new PeftError(file.path, name, `has shape [${info.shape}]; expected [${shape}]${hint}`);
  }
  return file.readTensor(name);
}

/**
 * Loads a peft LoRA adapter directory (adapter_config.json + adapter_model.safetensors, written by Python
 * peft or by saveAdapter) for `model` as adapter `name`. Every adapted layer must have its factors with
 * the shapes the config gives (rank_pattern included); tensors for layers the config does not adapt, and
 * mis-shaped tensors, are errors naming the file and tensor. Parameters the file carries besides LoRA
 * factors (modules_to_save, trained biases, saved embedding layers) become the adapter's copies.
 */
export async function loadAdapter(
  model: CausalLM,
  dir: string,
  name = 'default',
  options: LoadAdapterOptions = {},
): Promise<LoraAdapter> {
  const config = await readAdapterConfig(dir);
  const weightsFile = join(dir, ADAPTER_WEIGHTS_FILE);
  if (!existsSync(weightsFile)) {
    const bin = existsSync(join(dir, 'adapter_model.bin'));
    throw new PeftError(
      weightsFile,
      undefined,
      bin
        ? 'missing; the directory has adapter_model.bin (pickle), which is not read: re-save it with peft (safe_serialization=True)'
        : 'missing',
    );
  }
  const layout = adapterLayout(config, model, weightsFile);
  const trainable = options.trainable ?? true;
  const file = await SafetensorsFile.open(weightsFile);
  const made: tf.Variable[] = [];
  const variable = async (tensorName: string, shape: number[], varName: string, hint?: string) => {
    const t = await readChecked(file, tensorName, shape, hint);
    const v = adapterVariable(t, varName, trainable, name);
    t.dispose();
    made.push(v);
    return v;
  };
  try {
    const { factors, params } = sortTensors(file, weightsFile);
    const modules = new Map<string, LoraModule>();
    for (const t of layout.targets) {
      const f = factors.get(t.module);
      factors.delete(t.module);
      const need = config.use_dora
        ? (['lora_A', 'lora_B', 'magnitude'] as const)
        : (['lora_A', 'lora_B'] as const);
      const missing = need.filter((k) => f?.[k] === undefined);
      if (missing.length > 0) {
        throw new PeftError(
          weightsFile,
          `${PEFT_PREFIX}${t.module}`,
          `has no ${missing.join(', ')} tensor; the config adapts this layer`,
        );
      }
      const loraA = await variable(
        f!.lora_A!,
        [t.r, t.inFeatures],
        loraVariableName(t.module, 'lora_A', name),
      );
      const loraB = await variable(
        f!.lora_B!,
        [t.outFeatures, t.r],
        loraVariableName(t.module, 'lora_B', name),
      );
      const magnitude = config.use_dora
        ? await variable(
            f!.magnitude!,
            [t.outFeatures],
            loraVariableName(t.module, 'lora_magnitude_vector', name),
          )
        : null;
      if (!config.use_dora && f?.magnitude !== undefined) {
        throw new PeftError(
          weightsFile,
          f.magnitude,
          'is a DoRA magnitude but the config has use_dora false',
        );
      }
      modules.set(t.module, { ...t, loraA, loraB, magnitude });
    }
    const stray = [...factors.values()].flatMap((f) => Object.values(f));
    if (stray.length > 0) {
      throw new PeftError(
        weightsFile,
        stray[0],
        `is for a layer the config does not adapt (${stray.length} such tensors)`,
      );
    }
    const parameters = new Map<string, tf.Variable>();
    for (const [param, tensorName] of params) {
      if (!model.weights.has(param)) {
        throw new PeftError(
          weightsFile,
          tensorName,
          `names no parameter of this ${model.config.className} ('${param}')`,
        );
      }
      const hint =
        param.includes('embed_tokens') || param.startsWith('lm_head')
          ? ' (a resized vocabulary: resize the base model first, e.g. merge --resize_emb)'
          : '';
      parameters.set(
        param,
        await variable(tensorName, model.weight(param).shape, savedParameterVariableName(param, name), hint),
      );
    }
    // Parameters the config trains but the file lacks start from the base, as peft leaves them.
    for (const param of layout.parameters) {
      if (!parameters.has(param)) {
        const v = adapterVariable(
          model.weight(param),
          savedParameterVariableName(param, name),
          trainable,
          name,
        );
        made.push(v);
        parameters.set(param, v);
      }
    }
    return new LoraAdapter(name, config, modules, parameters);
  } catch (e) {
    tf.dispose(made);
    throw e;
  } finally {
    await file.close();
  }
}
