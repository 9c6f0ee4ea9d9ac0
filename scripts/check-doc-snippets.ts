/**
 * Type-checks every TypeScript snippet in the documentation (README.md, docs/*.md, packages/*\/README.md,
 * examples/*\/README.md) and runs the runnable ones, so the docs cannot drift from the code.
 *
 *   pnpm check:docs            type-check all snippets, run those marked runnable
 *   pnpm check:docs --list     list the snippets found
 *
 * A snippet is a fenced block whose info string starts with `ts` or `typescript`. Each becomes its own
 * module (so top-level `await` works and names do not collide) importing `@impact/*` from the packages'
 * sources. Words after the language in the info string control it:
 *   ```ts run      also executed (with tsx, in a temporary folder, 60 s limit); must exit 0
 *   ```ts nocheck  not type-checked (for deliberately incomplete fragments; give a reason next to it)
 * A fragment that uses values from the surrounding text (`reviews`, `config`) declares them in an HTML
 * comment right before its fence, which renders as nothing and is prepended when checking:
 *   <!-- snippet-prelude
 *   import type { ReviewResult } from '@impact/contracts';
 *   declare const reviews: ReviewResult[];
 *   -->
 * Blocks in other languages (yaml, sh, text) are not checked.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');

interface Snippet {
  file: string;
  line: number;
  /** Declarations from a `<!-- snippet-prelude … -->` comment just before the fence. */
  prelude: string;
  code: string;
  run: boolean;
  check: boolean;
}

function markdownFiles(): string[] {
  const files = [join(root, 'README.md')];
  const inFolder = (folder: string, pick: (name: string) => boolean) => {
    try {
      return readdirSync(join(root, folder))
        .filter(pick)
        .map((name) => join(root, folder, name));
    } catch {
      return [];
    }
  };
  files.push(...inFolder('docs', (name) => name.endsWith('.md')));
  for (const group of ['packages', 'examples'])
    for (const name of readdirSync(join(root, group)))
      files.push(...inFolder(join(group, name), (file) => file === 'README.md'));
  return files;
}

/** The body of a `<!-- snippet-prelude … -->` comment ending on the line before `fenceLine` (blank lines allowed). */
function preludeBefore(lines: readonly string[], fenceLine: number): string {
  let end = fenceLine - 1;
  while (end >= 0 && (lines[end] as string).trim() === '') end--;
  if (end < 0 || (lines[end] as string).trim() !== '-->') return '';
  let start = end - 1;
  while (start >= 0 && !(lines[start] as string).trim().startsWith('<!--')) start--;
  if (start < 0 || (lines[start] as string).trim() !== '<!-- snippet-prelude') return '';
  return lines.slice(start + 1, end).join('\n');
}

/** The fenced TypeScript blocks of one Markdown file. */
export function extractSnippets(file: string, text: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(ts|typescript)\b(.*)$/.exec(lines[index] as string);
    if (!open) continue;
    const fence = open[2] as string;
    const words = (open[4] as string).trim().split(/\s+/);
    const body: string[] = [];
    let end = index + 1;
    while (end < lines.length && !(lines[end] as string).trim().startsWith(fence))
      body.push(lines[end++] as string);
    snippets.push({
      file,
      line: index + 1,
      prelude: preludeBefore(lines, index),
      code: body.join('\n'),
      run: words.includes('run'),
      check: !words.includes('nocheck'),
    });
    index = end;
  }
  return snippets;
}

const snippets = markdownFiles().flatMap((file) => extractSnippets(file, readFileSync(file, 'utf8')));
const name = (snippet: Snippet) => `${relative(root, snippet.file)}:${snippet.line}`;
if (process.argv.includes('--list')) {
  for (const snippet of snippets)
    console.log(`${name(snippet)}${snippet.run ? ' (run)' : ''}${snippet.check ? '' : ' (nocheck)'}`);
  process.exit(0);
}

// Inside the repository (ignored by git) so bare imports like `zod` resolve from its node_modules.
const work = join(root, 'node_modules', '.cache', 'doc-snippets');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const modules = new Map<string, Snippet>();
snippets.forEach((snippet, index) => {
  const file = `snippet-${String(index).padStart(3, '0')}.ts`;
  modules.set(file, snippet);
  // One line per prelude line first; the code's own lines keep their numbers (+ offset) for messages.
  const prelude = snippet.prelude === '' ? '' : `${snippet.prelude.replace(/\n/g, ' ')}\n`;
  writeFileSync(join(work, file), `// ${name(snippet)}\n${prelude}${snippet.code}\nexport {};\n`);
});
const checked = [...modules].filter(([, snippet]) => snippet.check).map(([file]) => file);
writeFileSync(
  join(work, 'tsconfig.json'),
  JSON.stringify(
    {
      extends: join(root, 'tsconfig.base.json'),
      compilerOptions: {
        noEmit: true,
        allowImportingTsExtensions: true,
        // Snippets show a use, not a complete program: an unused import or variable is fine.
        noUnusedLocals: false,
        baseUrl: root,
        paths: { '@impact/*': ['packages/*/src/index.ts'] },
      },
      files: checked,
    },
    null,
    2,
  ),
);

const failures: string[] = [];
let sourceErrors = 0;
const tsc = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(work, 'tsconfig.json')], {
  encoding: 'utf8',
});
if (tsc.status !== 0) {
  // Map "snippet-007.ts(3,5): error …" back to the Markdown file and line.
  for (const line of `${tsc.stdout}${tsc.stderr}`.split('\n')) {
    const match = /^(?:.*\/)?(snippet-\d+\.ts)\((\d+),(\d+)\): (.*)$/.exec(line);
    if (!match) {
      // Errors inside the packages' own sources are `pnpm typecheck`'s to report, not the docs'.
      if (/^(?:packages|scripts|examples)\/.*\(\d+,\d+\): error/.test(line)) sourceErrors++;
      else if (line.trim() !== '' && !line.startsWith(' ')) failures.push(line);
      continue;
    }
    const snippet = modules.get(match[1] as string) as Snippet;
    // Line 1 is the comment, line 2 the (one-line) prelude when there is one, then the code below the fence.
    const offset = snippet.prelude === '' ? 1 : 2;
    const codeLine = Number(match[2]) - offset;
    const where =
      codeLine < 1
        ? `${name(snippet)} (prelude)`
        : `${relative(root, snippet.file)}:${snippet.line + codeLine}`;
    failures.push(`${where}: ${match[4]}`);
  }
}

let ran = 0;
for (const [file, snippet] of modules) {
  if (!snippet.run) continue;
  const cwd = mkdtempSync(join(tmpdir(), 'impact-doc-run-'));
  const result = spawnSync(
    join(root, 'node_modules', '.bin', 'tsx'),
    ['--conditions=@impact/source', '--tsconfig', join(work, 'tsconfig.json'), join(work, file)],
    { cwd, encoding: 'utf8', timeout: 60_000 },
  );
  ran++;
  if (result.status !== 0)
    failures.push(
      `${name(snippet)}: running the snippet exited with ${result.status}: ${result.stderr.slice(-600)}`,
    );
  rmSync(cwd, { recursive: true, force: true });
}

if (sourceErrors > 0)
  console.warn(`note: ${sourceErrors} type errors inside package sources (run pnpm typecheck)`);
if (failures.length > 0) {
  for (const failure of failures) console.error(`FAIL ${failure}`);
  process.exit(1);
}
console.log(
  `OK: ${checked.length} of ${snippets.length} TypeScript snippets type-check (${snippets.length - checked.length} marked nocheck), ${ran} ran.`,
);
