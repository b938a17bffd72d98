import { resolveModelDir } from '@medgpt/hub';
import { STAGE_MODEL_DIR_OPTIONS, type StageHubOptions } from './stage-hub-options.js';

/**
 * Downloads into the Hugging Face cache the Hub repos a stage config names (STAGE_MODEL_DIR_OPTIONS:
 * model, tokenizer, adapter, reference model), with `hub.onProgress`, before the run starts; the
 * trainer then finds them there. Local directories, unset options and repos already complete in the
 * cache cost nothing. Call it with the settings the trainer will use (by default both read the
 * environment). Returns each option's directory.
 */
export async function fetchStageModels(
  config: object,
  hub: StageHubOptions = {},
): Promise<Record<string, string>> {
  const dirs: Record<string, string> = {};
  for (const [option, kind] of Object.entries(STAGE_MODEL_DIR_OPTIONS)) {
    const value = (config as Record<string, unknown>)[option];
    if (typeof value === 'string' && value !== '') {
      dirs[option] = await resolveModelDir(value, { ...hub, kind, option });
    }
  }
  return dirs;
}
