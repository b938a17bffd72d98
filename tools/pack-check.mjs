// Publishability check: `npm pack`s every package and app, installs the tarballs into an empty project (their
// dependencies come from the npm cache or registry, as for a user), imports each package there by
// name, and runs publint on each tarball's contents. Fails on the first package that cannot be used.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

// Libraries under packages/ and the apps that publish a library entry too (api, cli).
const packages = ['packages', 'apps']
  .flatMap((group) => readdirSync(join(root, group)).map((dir) => join(root, group, dir)))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => !manifest.private);

const work = mkdtempSync(join(tmpdir(), 'medgpt-pack-'));
try {
  const tarballs = [];
  for (const { dir, manifest } of packages) {
    if (!existsSync(join(dir, 'dist'))) throw new Error(`${manifest.name}: no dist/ (run the build first)`);
    const out = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], dir));
    const files = out[0].files.map((f) => f.path);
    for (const required of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts']) {
      if (!files.includes(required)) throw new Error(`${manifest.name}: the tarball lacks ${required}`);
    }
    tarballs.push(join(work, out[0].filename));
    run('npx', ['publint', '--strict', dir], root);
    console.log(`packed ${manifest.name}@${manifest.version}: ${files.length} files`);
  }

  const app = join(work, 'app');
  run('mkdir', ['-p', app]);
  writeFileSync(
    join(app, 'package.json'),
    // A consumer accepts koffi's install step (it picks the prebuilt binary) as the repository does.
    JSON.stringify({ name: 'pack-check-app', private: true, type: 'module', allowScripts: { koffi: true } }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], app);
  for (const { manifest } of packages) {
    const code = `const m = await import('${manifest.name}'); const n = Object.keys(m).length;
      if (n === 0) throw new Error('no exports'); console.log('${manifest.name}: ' + n + ' exports');`;
    process.stdout.write(run('node', ['--input-type=module', '-e', code], app));
  }
  console.log(`pack check: ${packages.length} packages packed, installed and imported`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
