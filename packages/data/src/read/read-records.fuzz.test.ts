import { describe, it } from 'vitest';
import { runFuzzTarget } from '../../../../tools/fuzz/fuzz-kit.js';
import { READ_TARGETS } from './read-records.fuzz.js';

// Generated .jsonl / .json / .txt files and byte mutations of them, against a reference reader.
describe('file readers (fuzz)', () => {
  for (const target of READ_TARGETS) it(target.name, () => runFuzzTarget(target));
});
