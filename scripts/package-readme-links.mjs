#!/usr/bin/env node
/**
 * Package READMEs ship inside the npm tarballs, where `../../docs/…` points nowhere. This keeps their links
 * absolute: every relative link is rewritten to the repository URL of the root package.json
 * (`repository.url`, branch `main`).
 *
 *   node scripts/package-readme-links.mjs          rewrite relative links in packages/*\/README.md
 *   node scripts/package-readme-links.mjs --check  fail (exit 1) if any package README has a relative link
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const repository = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).repository;
const base = `${String(repository?.url ?? '')
  .replace(/^git\+/, '')
  .replace(/\.git$/, '')}/blob/main`;
if (!/^https:\/\//.test(base)) {
  console.error('package.json has no https repository.url');
  process.exit(1);
}
const check = process.argv.includes('--check');
const problems = [];
for (const name of readdirSync(join(root, 'packages'))) {
  const file = join(root, 'packages', name, 'README.md');
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue;
  }
  const folder = posix.join('packages', name);
  // Markdown links and images: ](target) where target is not absolute, an anchor or a mail link.
  const rewritten = text.replace(/\]\((?!https?:|#|mailto:)([^)\s]+)\)/g, (_match, target) => {
    const resolved = posix.normalize(posix.join(folder, target));
    problems.push(`${relative(root, file)}: relative link ${target}`);
    return `](${base}/${resolved})`;
  });
  if (!check && rewritten !== text) writeFileSync(file, rewritten);
}
if (check && problems.length > 0) {
  for (const problem of problems)
    console.error(`FAIL ${problem} (run node scripts/package-readme-links.mjs)`);
  process.exit(1);
}
console.log(check ? 'OK: package READMEs link absolutely' : `rewrote ${problems.length} relative links`);
