import { ktoSamples } from '@medgpt/data';
import type { Tokenizer } from '@medgpt/tokenizer';
import { dataReportLines, loadStageRecords } from '@medgpt/trainer';
import type { PreferenceDataOptions } from '../config/preference-data-options.js';
import { preferenceSetup } from '../data/preference-setup.js';
import type { KtoRow } from './kto-task.js';

export interface KtoData {
  train: KtoRow[];
  eval: KtoRow[];
  tokenizer: Tokenizer;
  notes: string[];
}

/**
 * KTO's rows: unpaired files ({prompt, completion, label}, ShareGPT + kto_tag ...) as they are, paired
 * preference files split into a desirable and an undesirable row per pair (TRL's unpairing); the prompt
 * rendered as for DPO, TRL's tokenisation, every skipped record or row named with its file:line.
 */
export async function ktoData(options: PreferenceDataOptions, baseTokenizer: Tokenizer): Promise<KtoData> {
  const { tokenizer, sampleOptions, notes } = preferenceSetup(options, baseTokenizer);
  const { train, validation, trainReport, validationReport } = await loadStageRecords('kto', options);
  const tokenize = (records: typeof train) => ktoSamples(records, sampleOptions);
  const trainSet = tokenize(train);
  const evalSet = tokenize(validation);
  const report = dataReportLines({
    stage: 'kto',
    strict: options.strict_data,
    unit: 'rows',
    trainRows: trainSet.samples.length,
    evalRows: evalSet.samples.length,
    reports: [trainReport, validationReport],
    dropped: [...trainSet.dropped, ...evalSet.dropped],
  });
  if (trainReport.family === 'preference') {
    report.push(
      '  paired preference data: each pair became a desirable (chosen) and an undesirable (rejected) row',
    );
  }
  const desirable = trainSet.samples.filter((s) => s.label).length;
  report.push(
    `  ${desirable} desirable and ${trainSet.samples.length - desirable} undesirable training rows`,
  );
  return { train: trainSet.samples, eval: evalSet.samples, tokenizer, notes: [...notes, ...report] };
}
