#!/usr/bin/env node
/**
 * Packaging check: proves every package is publishable as a consumer sees it.
 * 1. `pnpm pack` each package (workspace:^ ranges become real versions).
 * 2. publint (strict) and are-the-types-wrong on each tarball.
 * 3. Install all tarballs into a fresh temporary project with npm, then both `import` and `require`
 *    every package and check the export names its built declarations promise.
 * 4. As a new user following docs/getting-started.md would: run the installed `impact` CLI on the
 *    getting-started pipeline (taken from the doc itself) and allocate with the default solver, with no
 *    optional engine (glpk.js) installed, so a fresh install never dies at allocation.
 * Run after `pnpm build`. Exits non-zero on any failure.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const packagesDir = join(root, 'packages');
const work = mkdtempSync(join(tmpdir(), 'impact-pack-'));
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);

const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

function step(label, action) {
  process.stdout.write(`• ${label} ... `);
  try {
    const output = action();
    process.stdout.write('ok\n');
    return output;
  } catch (error) {
    process.stdout.write('FAILED\n');
    console.error(error.stdout ?? '', error.stderr ?? '', error.message);
    process.exitCode = 1;
    return undefined;
  }
}

const packages = readdirSync(packagesDir).map((dir) => {
  const manifest = JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8'));
  return { dir: join(packagesDir, dir), name: manifest.name, version: manifest.version };
});

for (const pkg of packages) {
  const before = new Set(readdirSync(tarballs));
  step(`pack ${pkg.name}`, () => run('pnpm', ['pack', '--pack-destination', tarballs], pkg.dir));
  pkg.tarball = readdirSync(tarballs).find((file) => !before.has(file));
  if (!pkg.tarball) continue;
  const tarball = join(tarballs, pkg.tarball);
  step(`publint ${pkg.name}`, () =>
    run('npx', ['--no-install', 'publint', 'run', tarball, '--strict'], root),
  );
  step(`are-the-types-wrong ${pkg.name}`, () =>
    run('npx', ['--no-install', 'attw', tarball, '--profile', 'node16', '--format', 'ascii'], root),
  );
}

const consumer = join(work, 'consumer');
mkdirSync(consumer);
writeFileSync(
  join(consumer, 'package.json'),
  JSON.stringify({ name: 'consumer', private: true, version: '0.0.0' }),
);
step('npm install of every tarball into a fresh project', () =>
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
      ...packages.map((p) => join(tarballs, p.tarball)),
    ],
    consumer,
  ),
);

for (const pkg of packages) {
  const declared = join(consumer, 'node_modules', ...pkg.name.split('/'), 'dist', 'index.d.ts');
  const exportedNames = [...readFileSync(declared, 'utf8').matchAll(/export \{([^}]*)\}/g)]
    .flatMap((match) => match[1].split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry && !entry.startsWith('type '))
    .map((entry) => entry.split(/\s+as\s+/).pop());
  const expected = JSON.stringify(exportedNames.sort());
  const esm = `import * as m from '${pkg.name}'; const names = Object.keys(m).filter((k) => k !== 'default' && k !== 'module.exports').sort(); const want = ${expected}; const missing = want.filter((n) => !names.includes(n)); if (missing.length) { console.error('missing', missing); process.exit(1); }`;
  const cjs = `const m = require('${pkg.name}'); const names = Object.keys(m).sort(); const want = ${expected}; const missing = want.filter((n) => !names.includes(n)); if (missing.length) { console.error('missing', missing); process.exit(1); }`;
  step(`import ${pkg.name} (ESM, ${exportedNames.length} runtime exports)`, () =>
    run('node', ['--input-type=module', '-e', esm], consumer),
  );
  step(`require ${pkg.name} (CJS)`, () => run('node', ['-e', cjs], consumer));
}

// The getting-started pipeline, exactly as the doc shows it (first yaml block after "`pipeline.yaml`:").
const gettingStarted = readFileSync(join(root, 'docs', 'getting-started.md'), 'utf8');
const pipelineYaml = /`pipeline\.yaml`:\s*```yaml\n([\s\S]*?)```/.exec(gettingStarted)?.[1];
const cli = join(consumer, 'node_modules', '@impact', 'loop', 'dist', 'cli.js');
step('fresh install has no optional solver engine (glpk.js)', () => {
  if (readdirSync(join(consumer, 'node_modules')).includes('glpk.js'))
    throw new Error('glpk.js was installed');
});
step('impact --version from the installed bin', () => run('node', [cli, '--version'], consumer));
step('impact run on the getting-started pipeline (default solver)', () => {
  if (pipelineYaml === undefined)
    throw new Error('docs/getting-started.md has no `pipeline.yaml`: yaml block');
  writeFileSync(join(consumer, 'pipeline.yaml'), pipelineYaml);
  run('node', [cli, 'run', 'pipeline.yaml', '--out', 'results', '--quiet'], consumer);
  const report = JSON.parse(readFileSync(join(consumer, 'results', 'outcome.json'), 'utf8'));
  if (report.records.length + report.dropped.length !== 2)
    throw new Error('expected two initiatives in outcome.json');
});
step('impact allocate with the default solver', () => {
  const reviews = JSON.parse(readFileSync(join(consumer, 'results', 'run.json'), 'utf8'))
    .initiatives.map((initiative) => initiative.review)
    .filter(Boolean);
  writeFileSync(join(consumer, 'reviews.json'), JSON.stringify(reviews));
  const allocation = JSON.parse(
    run('node', [cli, 'allocate', 'reviews.json', '--budget', '20000', '--json'], consumer),
  );
  if (!Array.isArray(allocation.selected_initiatives)) throw new Error('no allocation printed');
});

if (process.exitCode) {
  console.error(`packaging check failed; work folder kept at ${work}`);
} else {
  rmSync(work, { recursive: true, force: true });
  console.log('packaging check passed');
}
