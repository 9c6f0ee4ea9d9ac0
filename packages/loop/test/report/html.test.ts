import { describe, expect, it } from 'vitest';
import {
  buildOutcomeReport,
  type LoopRun,
  niceTicks,
  renderHtmlReport,
  renderMarkdownReport,
} from '../../src/index';
import { metadata, threeInitiatives } from './fixtures';

function sampleRun(): LoopRun {
  const { initiatives, allocation } = threeInitiatives();
  const first = initiatives[0];
  if (first) first.initiative_id = 'a';
  return {
    report: buildOutcomeReport({ budget: 100, initiatives, allocation, metadata }),
    initiatives,
    allocation,
    currency: 'USD',
  };
}

describe('renderHtmlReport', () => {
  const html = renderHtmlReport(sampleRun());

  it('is one self-contained page: no external URLs, scripts, links or images', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|url\(/i);
    expect(html).toContain('<style>');
  });

  it('contains an inline SVG per chart: returns, what the allocation assumed, and budget', () => {
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).toContain('id="returns-chart"');
    expect(html).toContain('id="predictive-chart"');
    expect(html).toContain('id="budget-chart"');
    expect(html.match(/<\/svg>/g)).toHaveLength(3);
  });

  it('opens with a plain-language summary of spend, predicted vs actual return and why others were dropped', () => {
    expect(html).toContain(
      '<p class="summary">1 of 3 piloted initiatives were funded, using 60 USD of the 100 USD budget (40 USD unspent) under the minimax regret rule. Their pilots predicted a combined return of 200 USD; at scale they returned 150 USD (the simulated truth: 170 USD), +150% on the money spent. 1 of 1 scale result fell inside the pilot&#39;s interval. Not funded: 1 did not fit the budget, 1 failed.</p>',
    );
  });

  it('right-aligns numeric headers like their cells, shows confidence as a percent and the allocation as funded', () => {
    expect(html).toContain('<th scope="col">method</th>');
    expect(html).toContain('<th class="num" scope="col">confidence</th>');
    expect(html).toContain('<th class="num" scope="col">funded</th>');
    expect(html).toContain('<td class="num">80%</td>');
    expect(html).not.toContain('n pilot → scale');
    expect(html).toContain('<dt>sample size (pilot → scale)</dt><dd>100 → 1000 units</dd>');
  });

  it('draws the pilot interval, the scale estimate and the truth for the scaled initiative', () => {
    expect(html).toContain('<title>pilot CI 100 to 300</title>');
    expect(html).toContain('<title>actual 150</title>');
    expect(html).toContain('<title>true 170</title>');
    expect(html).toContain('dropped (budget)');
  });

  it('escapes text from the run', () => {
    const run = sampleRun();
    run.report.dropped[1] = { initiative_id: 'c', reason: 'failed', message: '<b>"x" & y</b>' };
    const escaped = renderHtmlReport(run);
    expect(escaped).toContain('&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;');
    expect(escaped).not.toContain('<b>"x"');
  });

  it('balances its tags', () => {
    for (const tag of ['table', 'tr', 'svg', 'text', 'h2', 'p']) {
      const opened = html.match(new RegExp(`<${tag}[ >]`, 'g'))?.length ?? 0;
      const closed = html.match(new RegExp(`</${tag}>`, 'g'))?.length ?? 0;
      expect(closed, tag).toBe(opened);
    }
  });
});

describe('renderMarkdownReport', () => {
  it('shows the outcome table, the dropped initiatives and the ground-truth checks', () => {
    const markdown = renderMarkdownReport(sampleRun());
    expect(markdown).toContain(
      'Budget 100 USD, allocated 60 USD by the `minimax_regret` rule; 1 of 3 initiatives scaled.',
    );
    expect(markdown).toContain(
      '| a | experiment | 80% | 60 | 200 [100, 300] | 150 [130, 170] | 170 | -50 | yes | +150% | 100 → 1000 units |',
    );
    expect(markdown).toContain('| b | budget | cost 50 exceeds the 40 left');
    expect(markdown).toContain('| a | measure (pilot) | revenue | 2 | [1, 3] | 1.8 | 0.2 | yes |');
    expect(markdown).toContain('| a | measure (scale) | revenue | 1.5 | [1.3, 1.7] | 1.7 | -0.2 | yes |');
  });
});

describe('Markdown escaping', () => {
  it('entity-escapes raw HTML and keeps a message with | and a line break on one table row', () => {
    const run = sampleRun();
    run.report.dropped[1] = {
      initiative_id: 'c',
      reason: 'failed',
      message: '<img src=x onerror=alert(1)> a|b\nc',
    };
    const markdown = renderMarkdownReport(run);
    expect(markdown).toContain('| c | failed | &lt;img src=x onerror=alert(1)&gt; a\\|b c |');
    expect(markdown).not.toContain('<img');
  });
});

describe('niceTicks', () => {
  it('covers the range with 1-2-5 steps', () => {
    expect(niceTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(-13, 37)).toEqual([-10, 0, 10, 20, 30]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });
});
