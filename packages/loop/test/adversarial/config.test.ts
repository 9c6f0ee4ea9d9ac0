import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clone, expectConfigError, filePipeline, rejection, run, simulatedInitiative, tmp } from './harness';

type Config = Record<string, unknown> & { initiatives: Record<string, unknown>[] };
type Case = [
  name: string,
  mutate: (config: Config, dir: string) => void,
  path: string | RegExp,
  expected?: RegExp,
];

const measureOf = (config: Config, k = 0) =>
  ((config.initiatives[k] as Record<string, unknown>).pilot as { measure: Record<string, unknown> })
    .measure as Record<string, unknown> & {
    model: { name: string; params: Record<string, unknown> };
  };

/** Each case breaks one thing; the run must refuse before any pilot, naming the field and the expectation. */
const cases: Case[] = [
  [
    'allocate.rule unknown',
    (c) => (c.allocate = { rule: 'nope' }),
    'allocate.rule',
    /expected one of .*"minimax_regret".*got "nope"/,
  ],
  ['allocate.solver unknown', (c) => (c.allocate = { solver: 'nope' }), 'allocate.solver', /got "nope"/],
  [
    'allocate.mandatory unknown id',
    (c) => (c.allocate = { mandatory: ['a', 'zzz'] }),
    'allocate.mandatory[1]',
    /initiatives' ids .*got "zzz"/,
  ],
  ['allocate.excluded unknown id', (c) => (c.allocate = { excluded: ['nobody'] }), 'allocate.excluded[0]'],
  [
    'allocate key spelt the code way',
    (c) => (c.allocate = { scenarioWeights: { best: 1, med: 0, worst: 0 } }),
    /^allocate/,
  ],
  [
    'allocate.min_confidence above 1',
    (c) => (c.allocate = { min_confidence: 1.5 }),
    'allocate.min_confidence',
  ],
  [
    'misspelt model name',
    (c) => (measureOf(c).model.name = 'experment'),
    /^initiatives\[0\]\.pilot\.measure\.model/,
    /experment/,
  ],
  [
    'unknown model param',
    (c) => (measureOf(c).model.params.formul = 'x'),
    /^initiatives\[0\]\.pilot\.measure\.model\.params/,
  ],
  [
    'invalid model param value',
    (c) => (measureOf(c).model.params.covariance = 'HC9'),
    'initiatives[0].pilot.measure.model.params.covariance',
  ],
  ['ci_level 1.5', (c) => (measureOf(c).ci_level = 1.5), 'initiatives[0].pilot.measure.ci_level'],
  ['ci_level 0', (c) => (measureOf(c, 1).ci_level = 0), 'initiatives[1].pilot.measure.ci_level'],
  ['unknown measure key', (c) => (measureOf(c).modle = {}), /^initiatives\[0\]\.pilot\.measure/],
  [
    'unknown transform',
    (c) => (measureOf(c).transforms = [{ name: 'aggregate_by_prodct' }]),
    'initiatives[0].pilot.measure.transforms[0].name',
  ],
  [
    'unknown data source',
    (c) => (measureOf(c).data = { source: 'warehouse', path: 'a.csv' }),
    'initiatives[0].pilot.measure.data.source',
  ],
  [
    'missing data file',
    (c) => (measureOf(c, 2).data = { source: 'file', path: 'missing.csv' }),
    'initiatives[2].pilot.measure.data.path',
    /existing data file/,
  ],
  [
    'unknown data source key',
    (c) => ((measureOf(c).data as Record<string, unknown>).delimiter = ';'),
    /^initiatives\[0\]\.pilot\.measure\.data/,
  ],
  [
    'missing measure file',
    (c) => ((c.initiatives[1]?.pilot as Record<string, unknown>).measure = 'nowhere.yaml'),
    /^initiatives\[1\]\.pilot/,
    /nowhere\.yaml/,
  ],
  [
    'measure file with a YAML syntax error',
    (c, dir) => {
      writeFileSync(join(dir, 'broken.yaml'), 'model: { name: experiment\n');
      (c.initiatives[0]?.pilot as Record<string, unknown>).measure = 'broken.yaml';
    },
    /^initiatives\[0\]\.pilot/,
    /broken\.yaml/,
  ],
  [
    'measure file with an invalid ci_level names the file',
    (c, dir) => {
      writeFileSync(
        join(dir, 'm.yaml'),
        'data: { source: file, path: a.csv }\nmodel: { name: experiment, params: { formula: "revenue ~ treated" } }\nci_level: 1.5\n',
      );
      (c.initiatives[0]?.pilot as Record<string, unknown>).measure = 'm.yaml';
    },
    'initiatives[0].pilot.measure.ci_level',
    /m\.yaml/,
  ],
  [
    'typo in the scale measure only',
    (c) =>
      ((
        (c.initiatives[2] as Record<string, unknown>).scale as { measure: Record<string, unknown> }
      ).measure.ci_level = 2),
    'initiatives[2].scale.measure.ci_level',
  ],
  [
    'measure initiative_id of another initiative',
    (c) => (measureOf(c).initiative_id = 'b'),
    'initiatives[0].pilot.measure.initiative_id',
  ],
  [
    'nested simulation: negative products',
    (c) => {
      const sim = simulatedInitiative('sim');
      (sim.pilot as { simulation: Record<string, unknown> }).simulation.products = -5;
      c.initiatives.push(sim);
    },
    'initiatives[3].pilot.simulation.products',
  ],
  [
    'nested simulation: typo in treatment',
    (c) => {
      const sim = simulatedInitiative('sim');
      const treatment = (sim.pilot as { simulation: { treatment: Record<string, unknown> } }).simulation
        .treatment;
      treatment.efect = treatment.effect;
      c.initiatives.push(sim);
    },
    /^initiatives\[3\]\.pilot\.simulation\.treatment/,
  ],
  [
    '__proto__ inside review:',
    (c) => (c.review = JSON.parse('{"__proto__": {"reviewer": "llm"}}')),
    'review.__proto__',
  ],
  [
    '__proto__ inside allocate:',
    (c) => (c.allocate = JSON.parse('{"__proto__": {"rule": "maximin"}}')),
    'allocate.__proto__',
  ],
  [
    '__proto__ inside data:',
    (c) => (measureOf(c).data = JSON.parse('{"source": "file", "path": "a.csv", "__proto__": {"x": 1}}')),
    'initiatives[0].pilot.measure.data.__proto__',
  ],
  [
    'constructor inside model.params',
    (c) => (measureOf(c).model.params = JSON.parse('{"constructor": {"prototype": {}}}')),
    'initiatives[0].pilot.measure.model.params.constructor',
  ],
  ['negative budget', (c) => (c.budget = -1), 'budget'],
  [
    'duplicate initiative ids',
    (c) => ((c.initiatives[1] as Record<string, unknown>).initiative_id = 'a'),
    /initiatives/,
  ],
];

describe('adversarial: configuration', () => {
  it.each(cases)('%s → ConfigError before any pilot', async (_name, mutate, path, expected) => {
    const { dir, config } = filePipeline();
    const broken = clone(config) as Config;
    mutate(broken, dir);
    await expectConfigError(dir, broken, path, expected);
  });

  it('lists every problem at once, the message naming the first with its expectation', async () => {
    const { dir, config } = filePipeline();
    const broken = clone(config) as Config;
    measureOf(broken).ci_level = 1.5;
    measureOf(broken, 1).model.name = 'nope';
    broken.allocate = { mandatory: ['ghost'] };
    const error = await expectConfigError(dir, broken, 'initiatives[0].pilot.measure.ci_level');
    expect(error.issues.length).toBeGreaterThanOrEqual(3);
    expect(error.message).toMatch(/and \d+ more problems/);
  });

  it('rejects cycles: 0 with LOOP_OPTIONS_INVALID', async () => {
    const { dir, config } = filePipeline();
    await rejection(run(dir, config, join(tmp(), 'out'), { cycles: 0 }), 'LOOP_OPTIONS_INVALID');
  });
});
