/**
 * Validation of the demo's designs against the simulator's truth: runs the five-initiative pipeline with
 * every initiative funded (so each model is also measured at scale) for several seeds, and prints per
 * initiative how often the pilot and scale intervals covered the true effect and the mean error.
 *
 *   npx tsx --conditions=@impact/source packages/loop/scripts/validate-demo.ts [seeds] [--write-readme | --check-readme]
 *
 * The coverage table in examples/retail-five-initiatives/README.md (between the `validate-demo` markers) is
 * this script's output, never typed by hand: `--write-readme` regenerates it, `--check-readme` (what
 * `pnpm validate` runs in CI) fails when the README no longer matches what the code gives.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { type InitiativeRun, runLoop } from '../src/index';

const seeds = Number(process.argv[2] ?? 5);
const readmeMode = process.argv.includes('--write-readme')
  ? 'write'
  : process.argv.includes('--check-readme')
    ? 'check'
    : undefined;
const demo = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'examples',
  'retail-five-initiatives',
  'pipeline.yaml',
);
const pipeline = parse(readFileSync(demo, 'utf8')) as {
  budget: number;
  seed: number;
  allocate: Record<string, unknown>;
  initiatives: { initiative_id: string; cost_to_scale: number }[];
};
pipeline.budget = pipeline.initiatives.reduce((sum, initiative) => sum + initiative.cost_to_scale, 0);
pipeline.allocate.mandatory = pipeline.initiatives.map((initiative) => initiative.initiative_id);

interface Tally {
  design: string;
  pilotCovered: number;
  scaleCovered: number;
  pilotError: number[];
  scaleError: number[];
}
const tallies = new Map<string, Tally>();

/** The pilot's design in words, e.g. `nearest-neighbour matching`, `subclassification (ATT)`. */
function designName(run: InitiativeRun): string {
  const measurement = run.pilot?.measurement;
  if (measurement === undefined) return '–';
  const name = measurement.method.replaceAll('_', ' ').replace('nearest neighbour', 'nearest-neighbour');
  const estimand = measurement.diagnostics.estimand;
  return measurement.model_type === 'observational' &&
    typeof estimand === 'string' &&
    name === 'subclassification'
    ? `${name} (${estimand})`
    : name;
}
const work = mkdtempSync(join(tmpdir(), 'impact-validate-'));
for (let seed = 1; seed <= seeds; seed++) {
  pipeline.seed = seed;
  const file = join(work, 'pipeline.yaml');
  writeFileSync(file, stringify(pipeline));
  const outDir = join(work, `out-${seed}`);
  await runLoop({ configPath: file, outDir });
  const runs = JSON.parse(readFileSync(join(outDir, 'run.json'), 'utf8')).initiatives as InitiativeRun[];
  for (const run of runs) {
    const tally = tallies.get(run.initiative_id) ?? {
      design: designName(run),
      pilotCovered: 0,
      scaleCovered: 0,
      pilotError: [],
      scaleError: [],
    };
    for (const [phase, measured] of [
      ['pilot', run.pilot],
      ['scale', run.scale],
    ] as const) {
      if (measured?.true_effect === undefined) continue;
      const m = measured.measurement;
      const covered = m.ci_lower <= measured.true_effect && measured.true_effect <= m.ci_upper;
      if (phase === 'pilot') {
        tally.pilotCovered += covered ? 1 : 0;
        tally.pilotError.push(m.effect_estimate - measured.true_effect);
      } else {
        tally.scaleCovered += covered ? 1 : 0;
        tally.scaleError.push(m.effect_estimate - measured.true_effect);
      }
    }
    tallies.set(run.initiative_id, tally);
  }
}
rmSync(work, { recursive: true, force: true });

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
const meanAbs = (values: number[]) => mean(values.map(Math.abs));
console.log(
  `Demo designs over ${seeds} seeds, every initiative funded (effects in revenue per product-day):\n`,
);
console.log(
  '| initiative | pilot CI covers truth | scale CI covers truth | pilot mean error | pilot mean abs error | scale mean error | scale mean abs error |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [id, tally] of tallies) {
  console.log(
    `| ${id} | ${tally.pilotCovered}/${tally.pilotError.length} | ${tally.scaleCovered}/${tally.scaleError.length} | ${mean(tally.pilotError).toFixed(2)} | ${meanAbs(tally.pilotError).toFixed(2)} | ${mean(tally.scaleError).toFixed(2)} | ${meanAbs(tally.scaleError).toFixed(2)} |`,
  );
}

/** `+1.23` / `−0.58` (typographic minus, as in the README). */
function signed(value: number): string {
  const text = Math.abs(value).toFixed(2);
  return value < 0 && text !== '0.00' ? `−${text}` : `+${text}`;
}

if (readmeMode !== undefined) {
  const readme = join(
    import.meta.dirname,
    '..',
    '..',
    '..',
    'examples',
    'retail-five-initiatives',
    'README.md',
  );
  const text = readFileSync(readme, 'utf8');
  const begin =
    '<!-- validate-demo:begin (generated by pnpm --filter @impact/loop validate:readme; do not edit) -->';
  const end = '<!-- validate-demo:end -->';
  const table = [
    `Result of that validation (${seeds} seeds; effects in revenue per product-day; error = estimate − truth):`,
    '',
    '| initiative | design | pilot CI covers truth | scale CI covers truth | pilot mean error | scale mean error |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...[...tallies].map(
      ([id, tally]) =>
        `| ${id} | ${tally.design} | ${tally.pilotCovered}/${tally.pilotError.length} | ${tally.scaleCovered}/${tally.scaleError.length} | ${signed(mean(tally.pilotError))} | ${signed(mean(tally.scaleError))} |`,
    ),
  ].join('\n');
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  if (start < 0 || stop < start) {
    console.error(`${readme}: no ${begin} … ${end} block`);
    process.exit(1);
  }
  const updated = `${text.slice(0, start + begin.length)}\n${table}\n\n${text.slice(stop)}`;
  if (readmeMode === 'write') {
    writeFileSync(readme, updated);
    console.log(`\nwrote the table into ${readme}`);
  } else if (updated !== text) {
    console.error(
      `\nFAIL: the validation table in ${readme} is stale; regenerate it with pnpm --filter @impact/loop validate:readme`,
    );
    process.exit(1);
  } else console.log(`\nOK: the table in ${readme} matches`);
}
