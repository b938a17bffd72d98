import { parameterSpecs, type ModelConfig } from '@medgpt/models';
import { PeftError } from '../peft-error.js';
import type { LoraConfig } from './lora-config.js';

/** One linear layer LoRA adapts, with its rank and scale after rank_pattern / alpha_pattern. */
export interface TargetModule {
  /** HF module name, e.g. `model.layers.0.self_attn.q_proj`. */
  module: string;
  r: number;
  alpha: number;
  /** alpha / r, or alpha / sqrt(r) with use_rslora. */
  scale: number;
  inFeatures: number;
  outFeatures: number;
}

/** transformers' name of the LM head module (its weight is `lm_head.weight`). */
export const LM_HEAD_MODULE = 'lm_head';

/**
 * Output heads, never LoRA targets of `all` / `all-linear`: the LM head, and a sequence classifier's
 * score head (MedicalGPT's reward model leaves it out; peft trains it in full as a SEQ_CLS head).
 */
const HEAD_MODULES = new Set([LM_HEAD_MODULE, 'score']);

/** One linear layer of the model: its module name, [out, in], and its role in a mixture of experts. */
export interface LinearModule {
  module: string;
  shape: [number, number];
  /** A MoE router (`gate`) or expert projection; absent elsewhere. */
  moe?: 'router' | 'expert';
}

/** Every linear layer of the model (name, [out, in]) including lm_head when it is its own parameter. */
export function linearModules(config: ModelConfig): LinearModule[] {
  return parameterSpecs(config)
    .filter((s) => s.kind === 'linear')
    .map((s) => ({
      module: s.name.slice(0, -'.weight'.length),
      shape: s.shape as [number, number],
      ...(s.moe ? { moe: s.moe } : {}),
    }));
}

const leafName = (module: string) => module.slice(module.lastIndexOf('.') + 1);

/**
 * MedicalGPT's `find_all_linear_names`: the leaf names of every linear layer but the heads, sorted. On a
 * mixture of experts the experts and routers are left out, as MedicalGPT advises (LoRA on attention;
 * under transformers 5 they are not nn.Linear, so its `all` never reaches them); a dense MLP layer whose
 * leaf name an expert shares (Qwen3-MoE's mlp_only_layers) is listed by its full name, which peft's
 * suffix rule matches alone.
 */
export function allLinearNames(config: ModelConfig): string[] {
  const modules = linearModules(config).filter((l) => !HEAD_MODULES.has(l.module));
  const expertLeaves = new Set(modules.filter((l) => l.moe !== undefined).map((l) => leafName(l.module)));
  const names = modules
    .filter((l) => l.moe === undefined)
    .map((l) => (expertLeaves.has(leafName(l.module)) ? l.module : leafName(l.module)));
  return [...new Set(names)].sort();
}

const fullMatch = (pattern: string, key: string) => new RegExp(`^(?:${pattern})$`).test(key);
const listMatch = (list: string[], key: string) => list.some((t) => key === t || key.endsWith(`.${t}`));

// peft's check_target_module_exists, for layers_to_transform: the first numbered segment is the layer.
function layerIndex(key: string, patterns: string[] | null): number | undefined {
  const regexes = patterns?.length
    ? patterns.map((p) => new RegExp(`^.*?\\.${p}\\.(\\d+)\\.`))
    : [/^.*?\.[^.]*\.(\d+)\./];
  for (const re of regexes) {
    const m = re.exec(key);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/**
 * peft's rule for modules_to_save overriding LoRA: a module inside (or equal to) a saved module. The
 * names are plain module names, not patterns (a "." or "(" in one is that character).
 */
function insideSavedModule(key: string, modulesToSave: string[] | null): boolean {
  return (modulesToSave ?? []).some((m) => `.${key}.`.includes(`.${m}.`));
}

function isTarget(c: LoraConfig, key: string, moe: LinearModule['moe']): boolean {
  const ex = c.exclude_modules;
  if (ex !== null && (typeof ex === 'string' ? fullMatch(ex, key) : listMatch(ex, key))) return false;
  if (insideSavedModule(key, c.modules_to_save)) return false;
  const t = c.target_modules;
  if (typeof t === 'string' && t !== 'all-linear') return fullMatch(t, key);
  // all-linear leaves a mixture of experts' experts and routers out, as `all` does (see allLinearNames).
  const found =
    t === 'all-linear' ? !HEAD_MODULES.has(key) && moe === undefined : listMatch(t as string[], key);
  if (!found || c.layers_to_transform === null || c.layers_to_transform.length === 0) return found;
  const layer = layerIndex(key, c.layers_pattern);
  return layer !== undefined && c.layers_to_transform.includes(layer);
}

// peft's get_pattern_key: the first pattern key that matches the end of the module name.
function patternValue(pattern: Record<string, number>, key: string, fallback: number): number {
  for (const [k, v] of Object.entries(pattern)) if (new RegExp(`^(.*\\.)?(${k})$`).test(key)) return v;
  return fallback;
}

/**
 * The linear layers `config` adapts on a model of `modelConfig`, by peft's matching rules (exclusions,
 * modules_to_save, list suffixes, full-match regex, 'all-linear', layers_to_transform), each with its
 * rank and scale. `target_modules: 'all'` (MedicalGPT) must have been expanded by `expandAllTargets`.
 * A mixture of experts' experts and routers are adapted only when named (a list entry such as `w1`,
 * `experts.0.w1`, `gate_proj` or `gate`, or a regex): their per-expert module names are those of peft's
 * adapters for transformers 4, which peft converts to its fused form when loading into transformers 5.
 */
export function resolveTargets(c: LoraConfig, modelConfig: ModelConfig, where: string): TargetModule[] {
  const targets: TargetModule[] = [];
  for (const { module, shape, moe } of linearModules(modelConfig)) {
    if (!isTarget(c, module, moe)) continue;
    if (HEAD_MODULES.has(module)) {
      throw new PeftError(
        where,
        'target_modules',
        `selects ${module}: LoRA on an output head is not supported (@medgpt/models computes the heads outside linearHook); put it in modules_to_save or exclude it`,
      );
    }
    const r = patternValue(c.rank_pattern, module, c.r);
    const alpha = patternValue(c.alpha_pattern, module, c.lora_alpha);
    const scale = c.use_rslora ? alpha / Math.sqrt(r) : alpha / r;
    targets.push({ module, r, alpha, scale, outFeatures: shape[0], inFeatures: shape[1] });
  }
  if (targets.length === 0) {
    throw new PeftError(
      where,
      'target_modules',
      `${JSON.stringify(c.target_modules)} matches no linear layer of this ${modelConfig.className}; its linear layers are ${allLinearNames(modelConfig).join(', ')}`,
    );
  }
  return targets;
}

/** `config` with MedicalGPT's `target_modules: 'all'` replaced by the model's linear leaf names. */
export function expandAllTargets(c: LoraConfig, modelConfig: ModelConfig): LoraConfig {
  return c.target_modules === 'all' ? { ...c, target_modules: allLinearNames(modelConfig) } : c;
}
