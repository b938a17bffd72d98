import {
  convertDataset,
  CONVERT_DATA_TYPES,
  formatDatasetReport,
  formatIssue,
  type ConvertDataType,
  type RecordIssue,
} from '@medgpt/data';
import { defineCommand, EXIT_OK } from '../command.js';

const FILE_TYPES = ['json', 'jsonl', 'csv'] as const;

/** `medgpt convert`: MedicalGPT's tools/convert_dataset.py, streaming, with every skipped record reported. */
export const convertCommand = defineCommand({
  name: 'convert',
  summary: 'convert Alpaca, QA, JSON arrays and preference layouts to MedicalGPT JSONL',
  description:
    "The flags of MedicalGPT's tools/convert_dataset.py. alpaca: {instruction,input,output} -> ShareGPT;\n" +
    'qa: {input,output} -> ShareGPT; sharegpt: renames "items"; json2jsonl: a JSON array to JSON lines;\n' +
    'preference: {prompt,chosen,rejected} or {question,response_chosen,response_rejected} -> conversations\n' +
    "+ chosen/rejected; auto: each record to its kind's MedicalGPT format. The output is written atomically.\n" +
    'Bad records are skipped and reported (with --strict the run stops and writes nothing).',
  examples: ['medgpt convert --in_file alpaca_data.json --out_file data/sft/alpaca.jsonl --data_type alpaca'],
  options: {
    in_file: { type: 'string', required: true, metavar: 'PATH', description: 'input file' },
    out_file: { type: 'string', required: true, metavar: 'PATH', description: 'output file, e.g. out.jsonl' },
    data_type: {
      type: 'string',
      choices: CONVERT_DATA_TYPES,
      default: 'alpaca',
      description: 'what the input holds',
    },
    file_type: {
      type: 'string',
      choices: FILE_TYPES,
      default: 'json',
      description: 'input file type (csv: tab-separated, no header)',
    },
    strict: { type: 'boolean', description: 'stop at the first bad record and write nothing' },
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
  },
  async run(options, { io }) {
    let printed = 0;
    const onIssue = (issue: RecordIssue) => {
      if (printed++ < options.max_issues) io.stderr(`${formatIssue(issue)}\n`);
    };
    const result = await convertDataset({
      inFile: options.in_file,
      outFile: options.out_file,
      dataType: options.data_type as ConvertDataType,
      fileType: options.file_type as (typeof FILE_TYPES)[number],
      strict: options.strict,
      maxIssues: options.max_issues,
      maxLineBytes: options.max_line_bytes,
      onIssue,
    });
    io.stdout(`${formatDatasetReport(result.report)}\n`);
    const dropped = Object.entries(result.droppedKeys);
    if (dropped.length > 0)
      io.stdout(
        `fields not carried over: ${dropped.map(([key, n]) => `${key} (${n} records)`).join(', ')}\n`,
      );
    io.stdout(`Converted ${result.written} samples: ${options.in_file} -> ${options.out_file}\n`);
    return EXIT_OK;
  },
});
