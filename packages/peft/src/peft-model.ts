import { Generator, tf } from '@medgpt/core-tensor';
import { linear, type CausalLM, type LinearHook, type LinearWeight } from '@medgpt/models';
import { createLoraConfig, type LoraConfig, type LoraConfigOptions } from './config/lora-config.js';
import { expandAllTargets } from './config/resolve-targets.js';
import { loadAdapter, type LoadAdapterOptions } from './io/load-adapter.js';
import { saveAdapter, type SaveAdapterOptions } from './io/save-adapter.js';
import { createLoraAdapter } from './lora/create-lora-adapter.js';
import type { LoraAdapter } from './lora/lora-adapter.js';
import { loraForward } from './lora/lora-forward.js';
import { mergedWeight, unmergedWeight } from './lora/merged-weight.js';
import { PeftError } from './peft-error.js';

export interface PeftModelOptions {
  /** Seed of the stream LoRA dropout draws from (training only). Default 0. */
  seed?: number | bigint;
}

export interface AddAdapterOptions {
  /** Seed of the stream the new factors are drawn from (peft draws from torch's global RNG). Default 0. */
  seed?: number | bigint;
  /** Or the stream itself, e.g. one shared by a trainer. */
  rng?: Generator;
}

/**
 * A causal LM with LoRA adapters, as peft's PeftModel. The base weights stay plain (frozen) tensors; the
 * model's `linearHook` routes each adapted linear layer through the fused LoRA op (DoRA: see
 * doraLinear) of the active adapter. Several adapters can be loaded and switched per request
 * (`withAdapter`), or all disabled (`withAdaptersDisabled`: DPO's reference model is the base).
 *
 * ```ts
 * const peft = new PeftModel(await loadModel(dir));
 * peft.addAdapter('default', { r: 8, lora_alpha: 16, target_modules: 'all' });
 * const vars = peft.trainableVariables(); // only adapter tensors: the optimizer never sees the base
 * ```
 *
 * The switch is model-wide state: run each forward (or generation step) inside `withAdapter` when
 * requests with different adapters interleave.
 */
export class PeftModel {
  readonly model: CausalLM;
  /** Applies LoRA dropout when true (a training forward); false for evaluation and generation. */
  training = false;
  /** The stream LoRA dropout masks come from. */
  readonly rng: Generator;
  private readonly adapters = new Map<string, LoraAdapter>();
  private active: string | null = null;
  private enabled = true;
  private merged: { name: string; norms: Map<string, tf.Tensor1D | null> } | null = null;
  /** Base tensors of parameters an adapter currently replaces, to put back. */
  private readonly baseParameters = new Map<string, tf.Tensor>();

  constructor(model: CausalLM, options: PeftModelOptions = {}) {
    if (model.linearHook !== null) {
      throw new PeftError(
        model.config.className,
        'linearHook',
        'is already set (is a PeftModel already wrapping this model?)',
      );
    }
    this.model = model;
    this.rng = new Generator(options.seed ?? 0);
    model.linearHook = this.hook;
  }

  /** The adapter in use by forwards: null when none is set or adapters are disabled. */
  get activeAdapter(): string | null {
    return this.enabled ? this.active : null;
  }

  /** Names of the loaded adapters, in the order they were added. */
  get adapterNames(): string[] {
    return [...this.adapters.keys()];
  }

  /** Whether an adapter is folded into the base weights (see merge). */
  get mergedAdapter(): string | null {
    return this.merged?.name ?? null;
  }

  adapter(name: string): LoraAdapter {
    const a = this.adapters.get(name);
    if (a === undefined) {
      throw new PeftError(
        `adapter '${name}'`,
        undefined,
        `is not loaded; loaded: ${this.adapterNames.join(', ') || 'none'}`,
      );
    }
    return a;
  }

  /**
   * Adds a new adapter of `config` (peft's LoraConfig fields; MedicalGPT's target_modules 'all' expands to
   * every linear leaf name but lm_head). The first adapter becomes the active one.
   */
  addAdapter(
    name: string,
    config: LoraConfig | LoraConfigOptions,
    options: AddAdapterOptions = {},
  ): LoraAdapter {
    const full = expandAllTargets(createLoraConfig(config, `adapter '${name}'`), this.model.config);
    const rng = options.rng ?? new Generator(options.seed ?? 0);
    return this.insertAdapter(createLoraAdapter(this.model, name, full, rng));
  }

  /** Loads a peft adapter directory as adapter `name` (see loadAdapter); the first becomes active. */
  async loadAdapter(dir: string, name = 'default', options: LoadAdapterOptions = {}): Promise<LoraAdapter> {
    if (this.adapters.has(name)) {
      throw new PeftError(
        `adapter '${name}'`,
        undefined,
        'is already loaded; delete it first or choose another name',
      );
    }
    return this.insertAdapter(await loadAdapter(this.model, dir, name, options));
  }

  /** Saves adapter `name` (default: active) in peft's format (see saveAdapter). */
  saveAdapter(
    dir: string,
    name = this.requireActive('saveAdapter'),
    options: SaveAdapterOptions = {},
  ): Promise<string[]> {
    return saveAdapter(this.adapter(name), dir, options);
  }

  /** Registers an adapter built elsewhere (loadAdapter); the first becomes active. */
  insertAdapter(adapter: LoraAdapter): LoraAdapter {
    if (this.adapters.has(adapter.name)) {
      adapter.dispose();
      throw new PeftError(
        `adapter '${adapter.name}'`,
        undefined,
        'is already loaded; delete it first or choose another name',
      );
    }
    this.adapters.set(adapter.name, adapter);
    if (this.active === null) this.setAdapter(adapter.name);
    return adapter;
  }

  /** Makes `name` the active adapter (and enables adapters). Unmerges a merged adapter first. */
  setAdapter(name: string): void {
    this.adapter(name);
    this.setState(name, true);
  }

  /** Runs the base model alone (peft's disable_adapter): DPO's reference model. Unmerges first. */
  disableAdapters(): void {
    this.setState(this.active, false);
  }

  enableAdapters(): void {
    this.setState(this.active, true);
  }

  /**
   * Runs `fn` with adapter `name` active (null: adapters disabled), then restores the previous state,
   * also when `fn` throws or its promise rejects.
   */
  withAdapter<T>(name: string | null, fn: () => T): T {
    const saved = { active: this.active, enabled: this.enabled };
    if (name === null) this.disableAdapters();
    else this.setAdapter(name);
    const restore = () =>
      this.setState(
        saved.active !== null && this.adapters.has(saved.active) ? saved.active : null,
        saved.enabled,
      );
    let result: T;
    try {
      result = fn();
    } catch (e) {
      restore();
      throw e;
    }
    if (result instanceof Promise) return result.finally(restore) as T;
    restore();
    return result;
  }

  /** `withAdapter(null, fn)`: the frozen base model. */
  withAdaptersDisabled<T>(fn: () => T): T {
    return this.withAdapter(null, fn);
  }

  /**
   * The tensors an optimizer should train: the adapter's (default: active) factors, DoRA magnitudes and
   * copies of modules_to_save / trained biases. Never a base weight.
   */
  trainableVariables(name = this.requireActive('trainableVariables')): tf.Variable[] {
    return this.adapter(name)
      .variables()
      .filter((v) => v.trainable);
  }

  /**
   * Folds adapter `name` (default: active) into the base weights (peft's merge): forwards then run plain
   * matmuls. Disabling or switching adapters unmerges it (by subtraction, as peft: float32-exact up to
   * rounding).
   */
  merge(name = this.requireActive('merge')): void {
    if (this.merged?.name === name) return;
    if (this.merged) this.unmerge();
    const adapter = this.adapter(name);
    const quantized = [...adapter.modules.values()].find((m) =>
      this.model.quantized.has(`${m.module}.weight`),
    );
    if (quantized !== undefined) {
      throw new PeftError(
        `adapter '${name}'`,
        undefined,
        `cannot be merged into ${quantized.module}, whose base weight is quantised; merge into a float base ` +
          '(load the base model unquantised, as merge_peft_adapter.py does, or call model.dequantize() first)',
      );
    }
    const norms = new Map<string, tf.Tensor1D | null>();
    for (const m of adapter.modules.values()) {
      const key = `${m.module}.weight`;
      const { weight, norm } = mergedWeight(this.model.weight(key) as tf.Tensor2D, m);
      this.model.setWeight(key, weight);
      norms.set(m.module, norm);
    }
    this.merged = { name, norms };
    this.setAdapter(name);
  }

  /** Takes the merged adapter back out of the base weights. */
  unmerge(): void {
    const merged = this.merged;
    if (!merged) return;
    this.merged = null;
    for (const m of this.adapter(merged.name).modules.values()) {
      const key = `${m.module}.weight`;
      const norm = merged.norms.get(m.module) ?? null;
      this.model.setWeight(key, unmergedWeight(this.model.weight(key) as tf.Tensor2D, m, norm));
      norm?.dispose();
    }
  }

  /**
   * peft's merge_and_unload: folds adapter `name` (default: active) into the base for good, keeps its
   * modules_to_save and bias copies as the model's parameters, frees every adapter and unhooks the
   * model. Returns the plain model (save it with saveModel for a full HF checkpoint).
   */
  mergeAndUnload(name = this.requireActive('mergeAndUnload')): CausalLM {
    this.merge(name);
    const adapter = this.adapter(name);
    for (const [param, variable] of adapter.parameters) {
      // A plain tensor sharing the variable's data; the base tensor it replaced is freed.
      this.model.setWeight(param, tf.clone(variable), { disposeOld: false });
      this.baseParameters.get(param)?.dispose();
      this.baseParameters.delete(param);
    }
    for (const norm of this.merged!.norms.values()) norm?.dispose();
    this.merged = null;
    this.release();
    return this.model;
  }

  /** Frees adapter `name`; when it was active, the base model runs until another is set. */
  deleteAdapter(name: string): void {
    const adapter = this.adapter(name);
    if (this.merged?.name === name) this.unmerge();
    if (this.active === name) this.setState(null, this.enabled);
    this.adapters.delete(name);
    adapter.dispose();
  }

  /** Restores the base model (unmerged, base parameters back, no hook) and frees every adapter. */
  dispose(): void {
    this.setState(null, true);
    this.release();
  }

  private release(): void {
    for (const a of this.adapters.values()) a.dispose();
    this.adapters.clear();
    this.active = null;
    if (this.model.linearHook === this.hook) this.model.linearHook = null;
  }

  private requireActive(what: string): string {
    if (this.active === null)
      throw new PeftError('PeftModel', undefined, `${what}: no adapter is set; add or load one first`);
    return this.active;
  }

  // One place changes which adapter runs: a merged adapter that stops running is unmerged first.
  private setState(active: string | null, enabled: boolean): void {
    if (this.merged && (!enabled || this.merged.name !== active)) this.unmerge();
    this.active = active;
    this.enabled = enabled;
    this.syncParameters();
  }

  // Puts the base tensors back, then the active adapter's copies of modules_to_save and trained biases.
  private syncParameters(): void {
    for (const [param, base] of this.baseParameters) this.model.setWeight(param, base, { disposeOld: false });
    this.baseParameters.clear();
    const name = this.activeAdapter;
    if (name === null) return;
    for (const [param, variable] of this.adapter(name).parameters) {
      this.baseParameters.set(param, this.model.weight(param));
      this.model.setWeight(param, variable, { disposeOld: false });
    }
  }

  private readonly hook: LinearHook = Object.assign(
    (module: string, x: tf.Tensor2D, weight: LinearWeight, bias: tf.Tensor1D | undefined) => {
      const m = this.adaptedModule(module);
      if (m === undefined) return linear(x, weight, bias);
      const rate = this.adapters.get(this.activeAdapter!)!.config.lora_dropout;
      return loraForward(m, x, weight, bias, this.training && rate > 0 ? { rate, rng: this.rng } : undefined);
    },
    // Modules without an adapter run as plain linears (a mixture of experts' experts as grouped matmuls).
    { adapts: (module: string) => this.adaptedModule(module) !== undefined },
  );

  // The active adapter's module `module`, if it has one and it is not merged into the base.
  private adaptedModule(module: string) {
    const name = this.activeAdapter;
    return name === null || this.merged?.name === name
      ? undefined
      : this.adapters.get(name)?.modules.get(module);
  }
}
