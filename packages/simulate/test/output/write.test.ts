import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  formatCsv,
  formatJsonLines,
  parseGroundTruth,
  simulate,
  simulateByDay,
  writeSimulation,
  writeSimulationByDay,
} from '../../src/index';
import { numbers, smallExperiment } from '../helpers';

const folder = mkdtempSync(join(tmpdir(), 'impact-simulate-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('determinism and writers', () => {
  it('produces byte-identical CSV for the same seed and different CSV for another seed', () => {
    const first = formatCsv(simulate(smallExperiment).metrics);
    const second = formatCsv(simulate(smallExperiment).metrics);
    const other = formatCsv(simulate({ ...smallExperiment, seed: 12 }).metrics);
    expect(second).toBe(first);
    expect(other).not.toBe(first);
    expect(first.split('\n')[0]).toBe(
      'product_id,category,date,day,price,quality_score,impressions,visits,add_to_cart,orders,units,revenue,treated,post,enriched',
    );
    expect(first.split('\n')).toHaveLength(60 * 28 + 2);
  });

  it('keeps existing products unchanged when products or days are added', () => {
    const base = simulate({ ...smallExperiment, treatment: undefined });
    const more = simulate({ ...smallExperiment, treatment: undefined, products: 90, end_date: '2024-04-15' });
    expect(numbers(more.products.columns.price).slice(0, 60)).toEqual(numbers(base.products.columns.price));
    const revenue = numbers(base.metrics.columns.revenue);
    const moreRevenue = numbers(more.metrics.columns.revenue);
    for (let day = 0; day < 28; day += 1) {
      expect(moreRevenue.slice(day * 90, day * 90 + 60)).toEqual(revenue.slice(day * 60, day * 60 + 60));
    }
  });

  it('streams by day exactly the rows simulate() returns', () => {
    const whole = simulate(smallExperiment);
    const stream = simulateByDay(smallExperiment);
    let text = '';
    let days = 0;
    for (const { metrics, date, day } of stream.days()) {
      expect(metrics.rowCount).toBe(60);
      expect((metrics.columns.date as string[])[0]).toBe(date);
      expect(day).toBe(days);
      text += formatJsonLines(metrics);
      days += 1;
    }
    expect(days).toBe(28);
    expect(text).toBe(formatJsonLines(whole.metrics));
    expect(stream.groundTruth()).toEqual(whole.groundTruth);
  });

  it('refuses the ground truth of a stream that was not read to the end', () => {
    const stream = simulateByDay(smallExperiment);
    stream.days().next();
    expect(() => stream.groundTruth()).toThrow(/SIMULATION_INCOMPLETE|needs all 28 days/);
  });

  it('writes CSV, JSON Lines and ground truth files; the by-day writer gives the same bytes', () => {
    const result = simulate(smallExperiment);
    for (const format of ['csv', 'jsonl'] as const) {
      const whole = writeSimulation(join(folder, `whole-${format}`), result, { format });
      const byDay = writeSimulationByDay(join(folder, `by-day-${format}`), smallExperiment, { format });
      for (const key of ['products', 'metrics', 'groundTruth', 'config'] as const) {
        expect(readFileSync(byDay[key])).toEqual(readFileSync(whole[key]));
      }
    }
    const files = writeSimulation(join(folder, 'check'), result, { format: 'jsonl' });
    const lines = readFileSync(files.metrics, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(result.metrics.rowCount);
    const row = JSON.parse(lines[61] as string);
    expect(row.product_id).toBe((result.metrics.columns.product_id as string[])[61]);
    expect(row.revenue).toBe((result.metrics.columns.revenue as Float64Array)[61]);
    const truth = parseGroundTruth(JSON.parse(readFileSync(files.groundTruth, 'utf8')), files.groundTruth);
    expect(truth).toEqual(result.groundTruth);
    expect(readFileSync(join(folder, 'check', 'metrics.jsonl'), 'utf8')).toBe(
      formatJsonLines(result.metrics),
    );
  });
});

describe('cross-machine determinism', () => {
  it('reproduces the committed output hashes of a fixed configuration', async () => {
    const { snapshotOf } = await import('../fixtures/snapshot');
    const committed = (await import('../fixtures/snapshot.json')).default;
    const { node: _node, ...hashes } = committed;
    expect(snapshotOf()).toEqual(hashes);
  });
});
