import type { PreferenceConversation, UnpairedRecord } from './formats/data-format.js';
import type { SourcedRecord } from './record-issue.js';

export interface UnpairedRowsOptions {
  /** Rows per `datasets.map` batch (HF default 1000): the unit whose chosen rows precede its rejected rows. */
  readonly mapBatchSize?: number;
}

/**
 * TRL's `unpair_preference_dataset` (KTO on paired data): each preference row gives a desirable row
 * (its chosen answer, `label: true`) and an undesirable one (rejected, `label: false`), both with the
 * pair's context, tools and file:line. The order is TRL's: per map batch of 1000 pairs, every chosen
 * row, then every rejected row. Kept because KTO's KL estimate pairs each prompt with the previous
 * row's completion; interleaving chosen/rejected would pair half the prompts with their own answers.
 */
export function unpairedRows(
  records: readonly SourcedRecord<PreferenceConversation>[],
  options: UnpairedRowsOptions = {},
): SourcedRecord<UnpairedRecord>[] {
  const batchSize = options.mapBatchSize ?? 1000;
  if (!(batchSize >= 1)) throw new RangeError(`mapBatchSize must be >= 1, got ${batchSize}`);
  const rows: SourcedRecord<UnpairedRecord>[] = [];
  for (let start = 0; start < records.length; start += batchSize) {
    const batch = records.slice(start, start + batchSize);
    for (const label of [true, false]) {
      for (const { value, source } of batch) rows.push({ value: unpaired(value, label), source });
    }
  }
  return rows;
}

function unpaired(row: PreferenceConversation, label: boolean): UnpairedRecord {
  const completion = label ? row.chosen : row.rejected;
  const tools = row.tools === undefined ? {} : { tools: row.tools };
  return { conversations: row.conversations, ...tools, completion, label };
}
