import {
  countIssues,
  DATA_FILE_EXTENSIONS,
  DATA_FORMATS,
  formatDatasetReport,
  formatIssue,
  isDataFormat,
  isStage,
  STAGE_EXTENSIONS,
  STAGES,
  validateDataset,
  type DatasetReport,
  type RecordIssue,
} from '@medgpt/data';
import { UsageError } from '../args/usage-error.js';
import { defineCommand, EXIT_FAILED, EXIT_OK } from '../command.js';

/** `medgpt validate`: MedicalGPT's tools/validate_jsonl.py for every format, tool roles accepted. */
export const validateCommand = defineCommand({
  name: 'validate',
  summary: 'check data files record by record (file:line, field, reason) and summarise',
  usage: '[PATH...] [options]',
  description:
    'Reads every record of the given files or directories (recursively) and reports each problem with\n' +
    'its file:line, field, reason and expected form, then totals. Exits 1 when a record has an error\n' +
    '(with --strict, also on warnings). Nothing is written.',
  positionals: {
    name: 'PATH...',
    description: 'files or directories to check (or --file_path / --train_file_dir)',
  },
  examples: [
    'medgpt validate data/medicalgpt/sft --stage sft',
    'medgpt validate --file_path data/medicalgpt/sft/sharegpt_zh_1K_format.jsonl',
  ],
  options: {
    file_path: {
      type: 'string',
      metavar: 'PATH',
      description: "a JSONL file to check (validate_jsonl.py's flag)",
    },
    train_file_dir: { type: 'string', metavar: 'DIR', description: 'a training data directory to check' },
    validation_file_dir: {
      type: 'string',
      metavar: 'DIR',
      description: 'a validation data directory to check',
    },
    stage: {
      type: 'string',
      choices: STAGES,
      description: 'the stage the data is for: fixes the expected format and extensions',
    },
    format: { type: 'string', choices: DATA_FORMATS, description: 'require this exact record format' },
    strict: { type: 'boolean', description: 'fail on warnings too (records MedicalGPT would alter)' },
    max_issues: {
      type: 'integer',
      default: 50,
      metavar: 'N',
      description: 'issues printed (all are counted)',
    },
    max_line_bytes: {
      type: 'integer',
      metavar: 'N',
      description: 'longest record read, in bytes (default 64 MiB)',
    },
    json: { type: 'boolean', description: 'print the report as JSON instead of text' },
  },
  async run(options, { io, positionals }) {
    const paths = [
      ...positionals,
      options.file_path,
      options.train_file_dir,
      options.validation_file_dir,
    ].filter((p): p is string => Boolean(p));
    if (paths.length === 0)
      throw new UsageError('nothing to validate', 'give a PATH, --file_path or --train_file_dir');
    let printed = 0;
    const onIssue = (issue: RecordIssue) => {
      if (options.json || printed >= options.max_issues) return;
      printed += 1;
      io.stdout(`${formatIssue(issue)}\n`);
    };
    const stage = options.stage && isStage(options.stage) ? options.stage : undefined;
    const format = options.format && isDataFormat(options.format) ? options.format : undefined;
    const report = await validateDataset(paths, {
      stage,
      format,
      maxLineBytes: options.max_line_bytes,
      maxIssues: options.json ? 1000 : options.max_issues,
      onIssue,
    });
    if (options.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout(`${formatDatasetReport(report)}\n`);
    const empty = report.records === 0 && report.fileErrors === 0;
    const failed =
      empty ||
      report.invalid > 0 ||
      report.fileErrors > 0 ||
      (options.strict === true && countIssues(report, 'warning') > 0);
    const extensions = stage ? STAGE_EXTENSIONS[stage] : DATA_FILE_EXTENSIONS;
    if (!options.json) io.stdout(`${verdict(report, empty, failed, paths, extensions)}\n`);
    return failed ? EXIT_FAILED : EXIT_OK;
  },
});

/** The closing line. Nothing to check is a failure: a training run on it would have no data either. */
function verdict(
  report: DatasetReport,
  empty: boolean,
  failed: boolean,
  paths: string[],
  extensions: readonly string[],
): string {
  if (!empty) return failed ? 'Fix the records listed above.' : 'All records are valid.';
  if (report.files.length === 0)
    return `No data files found in ${paths.join(', ')}: expected files ending in ${extensions.join(', ')}.`;
  return `The data files hold no records: ${report.files.map((f) => f.file).join(', ')}.`;
}
