import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveModelDir, serveHubRepos } from '@medgpt/hub';

// A loopback Hub serving one tiny repo, so this runs without a network. Leave out `env` (and the
// loopback Hub) to use huggingface.co and your own cache (HF_HOME / HF_HUB_CACHE, HF_TOKEN).
const hub = await serveHubRepos([
  {
    id: 'medgpt/tiny',
    revisions: {
      main: {
        'config.json': '{"model_type": "llama"}',
        'model.safetensors': new Uint8Array(4096), // any bytes: the Hub does not look inside
        'pytorch_model.bin': 'not downloaded: medgpt reads safetensors',
      },
    },
  },
]);
const env = { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: await mkdtemp(join(tmpdir(), 'hf-cache-')) };

// 1. Not in the cache: downloaded into it (resumable, checked against the Hub's hashes), with progress.
const dir = await resolveModelDir('medgpt/tiny', {
  env,
  onProgress: (p) => {
    if (p.event === 'file-done') console.log(`${p.file}: ${p.fileSize} bytes (${p.filesDone}/${p.files})`);
  },
});
console.log(dir); // <cache>/models--medgpt--tiny/snapshots/<commit>, as huggingface_hub lays it out

// 2. In the cache: found there, also offline and with the Hub gone.
await hub.close();
console.log((await resolveModelDir('medgpt/tiny', { env: { ...env, HF_HUB_OFFLINE: '1' } })) === dir);

// 3. Offline and not in the cache: an error that says where it looked and what to do.
await resolveModelDir('medgpt/other', { env: { ...env, HF_HUB_OFFLINE: '1' } }).catch((e) =>
  console.log(e.message),
);
