import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf, writeSafetensors } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCheckpoint, CHECKPOINT_MANIFEST_FILE, writeCheckpointManifest } from './checkpoint-manifest.js';

async function checkpoint(files: Record<string, string> = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'medgpt-manifest-'));
  const w = tf.ones([2, 3]);
  await writeSafetensors(join(dir, 'model.safetensors'), { w });
  w.dispose();
  writeFileSync(join(dir, 'trainer_state.json'), '{"global_step": 2}\n');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('checkCheckpoint', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('accepts a checkpoint without a manifest (as transformers writes them) when its files are whole', async () => {
    expect(await checkCheckpoint(await checkpoint())).toBeUndefined();
  });

  it('names a file added after the manifest only when it is damaged, and a listed file that changed size', async () => {
    const dir = await checkpoint();
    await writeCheckpointManifest(dir);
    writeFileSync(join(dir, 'notes.txt'), 'not listed, not checked');
    expect(await checkCheckpoint(dir)).toBeUndefined();
    writeFileSync(join(dir, 'trainer_state.json'), '{"global_step": 20}\n');
    expect(await checkCheckpoint(dir)).toMatch(
      new RegExp(`^trainer_state\\.json has 20 bytes; ${CHECKPOINT_MANIFEST_FILE} recorded 19`),
    );
  });

  it('finds a damaged safetensors file and a checkpoint without trainer_state.json', async () => {
    const dir = await checkpoint({ 'extra.safetensors': 'garbage' });
    expect(await checkCheckpoint(dir)).toMatch(/^extra\.safetensors is damaged/);
    const bare = mkdtempSync(join(tmpdir(), 'medgpt-manifest-'));
    expect(await checkCheckpoint(bare)).toBe('trainer_state.json is missing');
    expect(await checkCheckpoint(join(bare, 'nope'))).toMatch(/^cannot read the directory/);
  });
});
