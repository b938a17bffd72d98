import { parameterSpecs, type ModelConfig } from '@medgpt/models';
import { PeftError } from '../peft-error.js';

/** transformers' name of the input embedding's weight. */
export const EMBED_TOKENS_WEIGHT = 'model.embed_tokens.weight';

// Every module name that owns parameters, directly or below it: `a.b.c.weight` gives a, a.b, a.b.c.
function moduleNames(params: string[]): string[] {
  const names = new Set<string>();
  for (const p of params) {
    const parts = p.split('.');
    for (let i = 1; i < parts.length; i++) names.add(parts.slice(0, i).join('.'));
  }
  return [...names];
}

/**
 * The parameters (HF names) of the modules `modulesToSave` names, by peft's rule (a module whose full
 * name ends with the given string; the outermost when nested ones match too). Each name must match
 * something. Tied embeddings are refused: peft would train a separate copy of one side, which a model
 * whose LM head reads embed_tokens cannot express.
 */
export function resolveModulesToSave(
  modulesToSave: string[] | null,
  modelConfig: ModelConfig,
  where: string,
  /** Names that may match nothing (peft's SEQ_CLS heads: `classifier` where the model has `score`). */
  optional: readonly string[] = [],
): string[] {
  if (!modulesToSave || modulesToSave.length === 0) return [];
  const params = parameterSpecs(modelConfig).map((s) => s.name);
  const modules = moduleNames(params);
  const chosen = new Set<string>();
  for (const name of modulesToSave) {
    if (modelConfig.tieWordEmbeddings && (name === 'lm_head' || 'model.embed_tokens'.endsWith(name))) {
      throw new PeftError(
        where,
        'modules_to_save',
        `holds ${JSON.stringify(name)} but this ${modelConfig.className} ties its LM head to embed_tokens: peft would train one side's copy while the other keeps the base weights, which @medgpt/models (one shared matrix) cannot express`,
      );
    }
    const matches = modules.filter((m) => m.endsWith(name));
    if (matches.length === 0 && optional.includes(name)) continue;
    if (matches.length === 0) {
      throw new PeftError(
        where,
        'modules_to_save',
        `${JSON.stringify(name)} matches no module of this ${modelConfig.className}`,
      );
    }
    for (const m of matches) if (!matches.some((outer) => m.startsWith(`${outer}.`))) chosen.add(m);
  }
  return params.filter((p) => [...chosen].some((m) => p.startsWith(`${m}.`)));
}
