import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDefaultStages } from '../../src/index';
import { expectNothingHalfWritten, experimentCsv, filePipeline, run, tmp } from './harness';

type DataCase = [name: string, csv: string, code: RegExp, names?: RegExp];

const good = experimentCsv(80, 2, 9).trim().split('\n');
const rows = good.slice(1);
const withColumn = (header: string, value: (i: number) => string) =>
  `${[`${good[0]},${header}`, ...rows.map((line, i) => `${line},${value(i)}`)].join('\n')}\n`;

/** One initiative's data is broken; it fails with a typed code naming the problem, the others are allocated. */
const cases: DataCase[] = [
  [
    'no revenue column',
    `${good[0]?.replace('revenue', 'sales')}\n${rows.join('\n')}\n`,
    /DATA_MISSING_COLUMN/,
    /revenue/,
  ],
  [
    'a non-numeric revenue',
    `${good[0]}\n${rows.map((line, i) => (i === 5 ? line.replace(/,[^,]+,([^,]+)$/, ',ten,$1') : line)).join('\n')}\n`,
    /DATA_(NOT_NUMERIC|FILE_INVALID)/,
    /revenue|line/,
  ],
  ['header only', `${good[0]}\n`, /DATA_/],
  [
    'treated not 0/1',
    `${good[0]}\n${rows.map((line, i) => (i === 3 ? line.replace(/^(p\d+),\d,/, '$1,2,') : line)).join('\n')}\n`,
    /DATA_NOT_BINARY/,
    /treated/,
  ],
  [
    'a missing revenue cell',
    `${good[0]}\n${rows.map((line, i) => (i === 7 ? line.replace(/,[^,]+,([^,]+)$/, ',,$1') : line)).join('\n')}\n`,
    /DATA_MISSING_VALUE/,
    /revenue/,
  ],
  [
    'duplicate column names',
    `${good[0]},revenue\n${rows.map((line) => `${line},1`).join('\n')}\n`,
    /DATA_DUPLICATE_COLUMN/,
    /revenue/,
  ],
  [
    'no control products',
    `${good[0]}\n${rows.map((line) => line.replace(/^(p\d+),\d,/, '$1,1,')).join('\n')}\n`,
    /DATA_EMPTY_GROUP|MODEL_SINGULAR_DESIGN|DATA_ZERO_VARIANCE/,
  ],
  [
    'a perfectly collinear covariate',
    withColumn('treated_copy', (i) => String(i % 2)),
    /MODEL_SINGULAR_DESIGN/,
  ],
  [
    'an infinite value',
    `${good[0]}\n${rows.map((line, i) => (i === 2 ? line.replace(/,[^,]+,([^,]+)$/, ',Infinity,$1') : line)).join('\n')}\n`,
    /DATA_(NON_FINITE|NOT_NUMERIC|FILE_INVALID)/,
  ],
];

describe('adversarial: data and statistics', () => {
  it.each(cases)(
    '%s → that initiative fails with a typed code, the others are still decided',
    async (name, csv, code, names) => {
      const { dir, config } = filePipeline();
      writeFileSync(join(dir, 'b.csv'), csv);
      const measure = (
        config.initiatives as Record<string, { measure: { model: { params: Record<string, unknown> } } }>[]
      )[1]?.pilot?.measure;
      if (name === 'a perfectly collinear covariate' && measure)
        measure.model.params.formula = 'revenue ~ treated + treated_copy';
      const outDir = join(tmp(), 'out');
      const report = await run(dir, config, outDir);
      const dropped = report.dropped.find((drop) => drop.initiative_id === 'b');
      expect(dropped?.reason).toBe('failed');
      expect(dropped?.message).toMatch(code);
      if (names !== undefined) expect(dropped?.message).toMatch(names);
      expect(dropped?.message).not.toMatch(/\n\s+at /); // a message, not a stack trace
      const decided = [
        ...report.records.map((record) => record.initiative_id),
        ...report.dropped.map((drop) => drop.initiative_id),
      ];
      expect(decided.sort()).toEqual(['a', 'b', 'c']);
      expectNothingHalfWritten(outDir);
    },
  );
});

describe('adversarial: user strings in reports', () => {
  it('raw HTML in a failure message is escaped in outcome.md and outcome.html', async () => {
    const { dir, config } = filePipeline();
    const html = '<img src=x onerror=alert(1)>';
    const real = createDefaultStages({ allocate: config.allocate as Record<string, unknown>, budget: 250 });
    const stages = {
      ...real,
      async measure(request: Parameters<typeof real.measure>[0]) {
        if (request.initiativeId === 'b') throw new Error(`column ${html} is not numeric`);
        return real.measure(request);
      },
    };
    const outDir = join(tmp(), 'out');
    const report = await run(dir, config, outDir, { stages });
    expect(report.dropped.find((drop) => drop.initiative_id === 'b')?.message).toContain(html);
    for (const name of ['outcome.md', 'outcome.html']) {
      const text = readFileSync(join(outDir, name), 'utf8');
      expect(text, name).not.toContain('<img');
      expect(text, name).toContain('&lt;img');
    }
  });
});
