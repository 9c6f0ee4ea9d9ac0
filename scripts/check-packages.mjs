#!/usr/bin/env node
/**
 * Packaging check: proves every package is publishable as a consumer sees it.
 * 1. `pnpm pack` each package (workspace:^ ranges become real versions).
 * 2. publint (strict) and are-the-types-wrong on each tarball.
 * 3. Install all tarballs into a fresh temporary project with npm, then both `import` and `require`
 *    every package and check the export names its built declarations promise.
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

if (process.exitCode) {
  console.error(`packaging check failed; work folder kept at ${work}`);
} else {
  rmSync(work, { recursive: true, force: true });
  console.log('packaging check passed');
}
