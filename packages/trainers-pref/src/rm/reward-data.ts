import { rewardSamples } from '@medgpt/data';
import type { Tokenizer } from '@medgpt/tokenizer';
import { dataReportLines, loadStageRecords } from '@medgpt/trainer';
import type { PreferenceDataOptions } from '../config/preference-data-options.js';
import { preferenceSetup } from '../data/preference-setup.js';
import type { PairRow } from '../pairwise/pair-task.js';

export interface RewardData {
  train: PairRow[];
  eval: PairRow[];
  tokenizer: Tokenizer;
  notes: string[];
}

/**
 * reward_modeling.py's data: each pair rendered twice as a whole conversation (the named template's
 * get_prompt, or the chat template with the answer as the last assistant turn), tokenised; pairs with
 * an empty side or a side longer than max_source_length + max_target_length tokens are dropped (TRL's
 * RewardTrainer filters them too), each reported with its file:line. A row holds no prompt: the whole
 * text is one sequence, scored at its last token.
 */
export async function rewardData(
  options: PreferenceDataOptions,
  baseTokenizer: Tokenizer,
): Promise<RewardData> {
  const { tokenizer, sampleOptions, notes } = preferenceSetup(options, baseTokenizer);
  const { train, validation, trainReport, validationReport } = await loadStageRecords('rm', options);
  const tokenize = (records: typeof train) => rewardSamples(records, sampleOptions);
  const trainSet = tokenize(train);
  const evalSet = tokenize(validation);
  const rows = (set: typeof trainSet): PairRow[] =>
    set.samples.map((s) => ({
      promptIds: [],
      chosenIds: s.chosenIds,
      rejectedIds: s.rejectedIds,
      source: s.source,
    }));
  const report = dataReportLines({
    stage: 'rm',
    strict: options.strict_data,
    unit: 'pairs',
    trainRows: trainSet.samples.length,
    evalRows: evalSet.samples.length,
    reports: [trainReport, validationReport],
    dropped: [...trainSet.dropped, ...evalSet.dropped],
  });
  return { train: rows(trainSet), eval: rows(evalSet), tokenizer, notes: [...notes, ...report] };
}
