import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lovePlotSvg } from '@impact/measure';
import { describe, expect, it } from 'vitest';
import { buildOutcomeReport, type LoopRun, renderHtmlReport } from '../../src/index';
import { inlineSvg, readArtifactPlots } from '../../src/report/plots/artifact-plots';
import { predictiveDistributionsSvg } from '../../src/report/plots/predictive-plot';
import { metadata, threeInitiatives } from './fixtures';

function runWithArtifacts(): { run: LoopRun; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'impact-plots-'));
  const folder = join(root, 'artifacts', 'a', 'pilot', 'a-0123');
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'plot-love.svg'),
    lovePlotSvg([{ covariate: 'age', smd_before: 0.4, smd_after: 0.02 }]),
  );
  writeFileSync(join(folder, 'plot-evil.svg'), '<svg id="x"><script>alert(1)</script></svg>');
  writeFileSync(join(folder, 'result.json'), '{}');
  const { initiatives, allocation } = threeInitiatives();
  const first = initiatives[0];
  if (first?.pilot) first.pilot.artifact_uri = 'artifacts/a/pilot/a-0123';
  return {
    run: {
      report: buildOutcomeReport({ budget: 100, initiatives, allocation, metadata }),
      initiatives,
      allocation,
    },
    root,
  };
}

describe('measurement plots in the HTML report', () => {
  it('inlines each measurement plot from the artifact folder with a page-unique id', () => {
    const { run, root } = runWithArtifacts();
    const html = renderHtmlReport(run, { artifactRoot: root });
    expect(html).toContain(
      '<details class="diagnostics"><summary>a — pilot (experiment): covariate balance</summary>',
    );
    expect(html).toContain('id="plot-a-pilot-love"');
    expect(html).not.toContain('<script');
  });

  it('leaves the diagnostics out without an artifact root or when the folder is gone', () => {
    const { run } = runWithArtifacts();
    expect(renderHtmlReport(run)).not.toContain('diagnostics');
    expect(readArtifactPlots('/nonexistent', 'artifacts/a')).toEqual([]);
    expect(readArtifactPlots('/tmp', 'memory://a-0123')).toEqual([]);
  });

  it('refuses to inline scriptable SVG', () => {
    expect(inlineSvg('<svg id="p" onload="alert(1)"></svg>', 'q')).toBe('');
    expect(inlineSvg('<svg id="p"><rect/></svg>', 'q r')).toBe('<svg id="q-r"><rect/></svg>');
  });
});

describe('predictiveDistributionsSvg', () => {
  const base = { initiative_id: 'a', funded: true, cost: 100, R_worst: 60, R_med: 120, R_best: 180 };

  it('shades the part of a predictive distribution below the cost and prints P(loss)', () => {
    const svg = predictiveDistributionsSvg([
      {
        ...base,
        prediction: {
          family: 'normal',
          mean: 120,
          sd: 30,
          quantiles: [{ p: 0.5, value: 120 }],
          probability_of_loss: 0.2525,
        },
      },
    ]);
    expect(svg).toContain('P(loss) 25.3%');
    expect(svg.match(/fill-opacity="0\.45" stroke="none"/g)).toHaveLength(1);
  });

  it('falls back to the scenario interval without a predictive distribution', () => {
    const svg = predictiveDistributionsSvg([{ ...base, funded: false }]);
    expect(svg).toContain('scenarios only');
    expect(svg).toContain('<title>R_med 120</title>');
  });
});
