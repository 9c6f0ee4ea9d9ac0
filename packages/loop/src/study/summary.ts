import type { WorldOutcome } from './benchmark';

/** One policy's summary over the benchmark's worlds. */
export interface PolicySummary {
  policy: string;
  /** Mean share of the oracle's true net return (worlds where the oracle's net return is positive). */
  meanShare: number;
  medianShare: number;
  /** Mean of (this policy's share − the reference policy's share), paired by world, and its standard error. */
  pairedDifference: number;
  pairedStandardError: number;
  /** Worlds where this policy captured more / less true net return than the reference. */
  wins: number;
  losses: number;
  /** Mean number of funded initiatives per world whose true return is negative / below cost. */
  fundedNegativeTrue: number;
  fundedNegativeNet: number;
  /** Mean share of the budget left unspent. */
  budgetLeft: number;
  /** Mean true net return per world, in money. */
  meanNetReturn: number;
  /** Σ true net return ÷ Σ the oracle's, over every world (the share of all the money there was to make). */
  aggregateShare: number;
  /**
   * `aggregateShare` minus the reference's, with a paired standard error: the mean over worlds of
   * (this policy's − the reference's true net return) ÷ the oracle's mean net return. Unlike the mean of
   * per-world shares it does not blow up in worlds where the oracle itself earns almost nothing.
   */
  aggregateDifference: number;
  aggregateStandardError: number;
  /** Mean over funded initiatives of (predicted − true return): how much the policy over-promised. */
  overPromisePerFunded: number;
}

/** The benchmark's summary: one row per policy, against a reference policy. */
export interface BenchmarkSummary {
  reference: string;
  /** Worlds in the share statistics (oracle's true net return > 0). */
  worlds: number;
  /** Worlds left out because even the oracle could not earn a positive net return. */
  worldsWithoutGain: number;
  /** Initiatives whose pilot failed, over all worlds. */
  failedPilots: number;
  rows: PolicySummary[];
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function standardError(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const m = mean(values);
  const variance = values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1);
  return Math.sqrt(variance / values.length);
}

/**
 * Summarise per-world outcomes: each policy's mean and median share of the oracle's true net return, its
 * paired difference from `reference` with a standard error, wins and losses against it, funded initiatives
 * that truly lose money, and unspent budget.
 *
 * @example
 * ```ts
 * const summary = summarizeBenchmark(worlds, 'naive_ratio');
 * ```
 */
export function summarizeBenchmark(worlds: readonly WorldOutcome[], reference: string): BenchmarkSummary {
  const scored = worlds.filter((world) => world.oracleNetReturn > 1e-9);
  const policies = worlds[0]?.outcomes.map((outcome) => outcome.policy) ?? [];
  const shareOf = (world: WorldOutcome, policy: string) =>
    (world.outcomes.find((outcome) => outcome.policy === policy)?.trueNetReturn ?? 0) / world.oracleNetReturn;
  const netOf = (world: WorldOutcome, policy: string) =>
    world.outcomes.find((outcome) => outcome.policy === policy)?.trueNetReturn ?? 0;
  const oracleMean = mean(worlds.map((world) => world.oracleNetReturn));
  const rows = policies.map((policy): PolicySummary => {
    const moneyDifferences = worlds.map(
      (world) => (netOf(world, policy) - netOf(world, reference)) / oracleMean,
    );
    const shares = scored.map((world) => shareOf(world, policy));
    const differences = scored.map((world) => shareOf(world, policy) - shareOf(world, reference));
    const outcomes = worlds.map((world) => world.outcomes.find((outcome) => outcome.policy === policy));
    return {
      policy,
      meanShare: mean(shares),
      medianShare: median(shares),
      pairedDifference: mean(differences),
      pairedStandardError: standardError(differences),
      wins: differences.filter((d) => d > 1e-9).length,
      losses: differences.filter((d) => d < -1e-9).length,
      fundedNegativeTrue: mean(outcomes.map((outcome) => outcome?.fundedNegativeTrue ?? 0)),
      fundedNegativeNet: mean(outcomes.map((outcome) => outcome?.fundedNegativeNet ?? 0)),
      budgetLeft: mean(worlds.map((world, k) => 1 - (outcomes[k]?.spent ?? 0) / world.budget)),
      meanNetReturn: mean(outcomes.map((outcome) => outcome?.trueNetReturn ?? 0)),
      aggregateShare:
        outcomes.reduce((sum, outcome) => sum + (outcome?.trueNetReturn ?? 0), 0) /
        worlds.reduce((sum, world) => sum + world.oracleNetReturn, 0),
      aggregateDifference: mean(moneyDifferences),
      aggregateStandardError: standardError(moneyDifferences),
      overPromisePerFunded:
        outcomes.reduce((sum, outcome) => sum + (outcome?.overPromise ?? 0), 0) /
        Math.max(
          1,
          outcomes.reduce((sum, outcome) => sum + (outcome?.funded.length ?? 0), 0),
        ),
    };
  });
  return {
    reference,
    worlds: scored.length,
    worldsWithoutGain: worlds.length - scored.length,
    failedPilots: worlds.reduce((sum, world) => sum + world.failedPilots, 0),
    rows,
  };
}

/**
 * The summary as a Markdown table (policies in the given order; labels by policy name when given).
 *
 * @example
 * ```ts
 * console.log(benchmarkTableMarkdown(summary, { naive_ratio: 'naive' }));
 * ```
 */
export function benchmarkTableMarkdown(
  summary: BenchmarkSummary,
  labels: Record<string, string> = {},
): string {
  const f = (value: number, digits = 3) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
  const signed = (value: number) =>
    Number.isFinite(value) ? `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(3)}` : '—';
  const lines = [
    `| policy | mean share of oracle | median | vs ${labels[summary.reference] ?? summary.reference} (paired ± SE) | wins / losses | Σ net ÷ Σ oracle | Σ vs reference (paired ± SE) | funded with true return < 0 | funded below cost | budget left | mean true net return | funded: predicted − true |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of summary.rows) {
    const versus =
      row.policy === summary.reference
        ? '—'
        : `${signed(row.pairedDifference)} ± ${f(row.pairedStandardError)}`;
    const versusMoney =
      row.policy === summary.reference
        ? '—'
        : `${signed(row.aggregateDifference)} ± ${f(row.aggregateStandardError)}`;
    lines.push(
      `| ${labels[row.policy] ?? row.policy} | ${f(row.meanShare)} | ${f(row.medianShare)} | ${versus} | ${row.policy === summary.reference ? '—' : `${row.wins} / ${row.losses}`} | ${f(row.aggregateShare)} | ${versusMoney} | ${f(row.fundedNegativeTrue, 2)} | ${f(row.fundedNegativeNet, 2)} | ${f(row.budgetLeft, 2)} | ${Math.round(row.meanNetReturn).toLocaleString('en-US')} | ${Math.round(row.overPromisePerFunded).toLocaleString('en-US')} |`,
    );
  }
  return lines.join('\n');
}

/** How one pilot design's valued estimates relate to the true returns, over the benchmark's worlds. */
export interface DesignAccuracy {
  design: string;
  initiatives: number;
  /** Mean of (estimated − true) return, and the SD of that error. */
  meanError: number;
  errorSd: number;
  /** Median reported SE of the estimated return. */
  medianSe: number;
  /** Share of pilots whose 95% normal interval (estimate ± 1.96·SE) covers the true return. */
  coverage: number;
  /** Share of pilots whose estimate has the sign of the true return. */
  signRight: number;
}

/**
 * Per-design accuracy of the pilots behind the benchmark: bias, error spread, reported SE, interval
 * coverage and sign agreement of the valued estimates against the true returns at scale.
 *
 * @example
 * ```ts
 * console.log(designAccuracyMarkdown(designAccuracy(worlds)));
 * ```
 */
export function designAccuracy(worlds: readonly WorldOutcome[]): DesignAccuracy[] {
  const byDesign = new Map<string, WorldOutcome['initiativeDetails']>();
  for (const world of worlds) {
    for (const detail of world.initiativeDetails) {
      byDesign.set(detail.design, [...(byDesign.get(detail.design) ?? []), detail]);
    }
  }
  return [...byDesign]
    .map(([design, details]) => {
      const errors = details.map((d) => d.estimatedReturn - d.trueReturn);
      const meanError = mean(errors);
      return {
        design,
        initiatives: details.length,
        meanError,
        errorSd: Math.sqrt(mean(errors.map((e) => (e - meanError) ** 2))),
        medianSe: median(details.map((d) => d.estimatedReturnSe)),
        coverage: mean(
          details.map((d, k) => (Math.abs(errors[k] as number) <= 1.96 * d.estimatedReturnSe ? 1 : 0)),
        ),
        signRight: mean(details.map((d) => (d.estimatedReturn > 0 === d.trueReturn > 0 ? 1 : 0))),
      };
    })
    .sort((a, b) => (a.design < b.design ? -1 : 1));
}

/**
 * The per-design accuracy table in Markdown.
 *
 * @example
 * ```ts
 * console.log(designAccuracyMarkdown(designAccuracy(worlds)));
 * ```
 */
export function designAccuracyMarkdown(rows: readonly DesignAccuracy[]): string {
  const money = (value: number) => Math.round(value).toLocaleString('en-US');
  return [
    '| pilot design | pilots | mean error (estimate − truth) | error SD | median SE | 95% CI covers truth | sign right |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.design} | ${row.initiatives} | ${money(row.meanError)} | ${money(row.errorSd)} | ${money(row.medianSe)} | ${row.coverage.toFixed(2)} | ${row.signRight.toFixed(2)} |`,
    ),
  ].join('\n');
}
