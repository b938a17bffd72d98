import type { DpoExampleOptions } from '@medgpt/data';
import type { Tokenizer } from '@medgpt/tokenizer';
import { chatDataSetup, dataTokenizer } from '@medgpt/trainer';
import type { PreferenceDataOptions } from '../config/preference-data-options.js';

/** How every preference stage renders and tokenises its rows, and the tokenizer after the fallbacks. */
export interface PreferenceSetup {
  tokenizer: Tokenizer;
  /** For dpoSamples / ktoSamples / rewardSamples. */
  sampleOptions: DpoExampleOptions;
  notes: string[];
}

/** --template_name (or the chat template), --tool_format and the length budgets, as the RM/DPO/ORPO scripts apply them. */
export function preferenceSetup(options: PreferenceDataOptions, baseTokenizer: Tokenizer): PreferenceSetup {
  const { tokenizer, template, chatTemplate, notes } = chatDataSetup(options.template_name, baseTokenizer);
  return {
    tokenizer,
    notes,
    sampleOptions: {
      template,
      chatTemplate,
      toolFormat: options.tool_format,
      tokenizer: dataTokenizer(tokenizer),
      maxSourceLength: options.max_source_length,
      maxTargetLength: options.max_target_length,
    },
  };
}
