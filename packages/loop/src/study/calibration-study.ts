import { type LoopPolicyConfig, MeasuredWorld } from './measured-world';
import { type DecisionWorldOptions, generateDecisionWorld } from './world';

/** One cycle of one arm: the true net return captured against the cycle's hindsight optimum. */
export interface StudyCycle {
  cycle: number;
  trueNetReturn: number;
  oracleNetReturn: number;
  /** Calibration rows applied in the cycle (as the cycle summary reports them). */
  calibration: Record<string, unknown>[];
}

/** One world of the calibration study: each arm's cycles. */
export interface CalibrationStudyWorld {
  seed: number;
  arms: Record<string, StudyCycle[]>;
}

/** Options of {@link runCalibrationStudy}. */
export interface CalibrationStudyOptions {
  seeds: readonly number[];
  /** Arms by name: the pipeline settings of each (e.g. `{ pipeline: { calibration: { enabled: true } } }`). */
  arms: Record<string, LoopPolicyConfig>;
  /** World settings; default 4 cycles with 4 new initiatives joining in each later cycle. */
  world?: DecisionWorldOptions;
  onWorld?: (world: CalibrationStudyWorld) => void;
}

/**
 * Multi-cycle study: for each seed a multi-cycle world ({@link generateDecisionWorld} with `cycles`), every
 * arm run through the real `runLoopCycles` on shared cached pilots; each cycle scored by its true net
 * return against that cycle's hindsight-optimal net return.
 *
 * @example
 * ```ts
 * const worlds = await runCalibrationStudy({
 *   seeds: [1, 2],
 *   arms: { off: { pipeline: { calibration: { enabled: false } } }, on: { pipeline: { calibration: { enabled: true } } } },
 * });
 * ```
 */
export async function runCalibrationStudy(
  options: CalibrationStudyOptions,
): Promise<CalibrationStudyWorld[]> {
  const worldOptions = { cycles: 4, joiningPerCycle: 4, ...options.world };
  const results: CalibrationStudyWorld[] = [];
  for (const seed of options.seeds) {
    const measured = new MeasuredWorld(generateDecisionWorld(seed, worldOptions));
    try {
      const arms: Record<string, StudyCycle[]> = {};
      for (const [name, arm] of Object.entries(options.arms)) {
        const result = await measured.runCycles(arm);
        arms[name] = result.cycles.map((summary) => ({
          cycle: summary.cycle,
          trueNetReturn: summary.true_net_return ?? Number.NaN,
          oracleNetReturn: summary.hindsight_net_return ?? Number.NaN,
          calibration: summary.calibration.map((row) => ({ ...row })),
        }));
      }
      const world = { seed, arms };
      options.onWorld?.(world);
      results.push(world);
    } finally {
      measured.dispose();
    }
  }
  return results;
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
const standardError = (values: readonly number[]) => {
  if (values.length < 2) return Number.NaN;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1) / values.length);
};

/** One cycle's share of its hindsight optimum's true net return; undefined when the optimum is not positive. */
function cycleShare(cycle: StudyCycle | undefined): number | undefined {
  if (cycle === undefined || !(cycle.oracleNetReturn > 1e-9)) return undefined;
  return cycle.trueNetReturn / cycle.oracleNetReturn;
}

/**
 * Σ net ÷ Σ oracle over paired worlds, with each world's influence on it (delta method):
 * `(N_w − R·O_w) / mean(O)`. The mean influence is 0; a difference of two such ratios over the same worlds
 * has the per-world difference of influences as its paired terms, so its SE is their SD / √n.
 */
function ratioWithInfluence(pairs: readonly (readonly [number, number])[]): {
  ratio: number;
  influence: number[];
} {
  const net = pairs.reduce((sum, [n]) => sum + n, 0);
  const oracle = pairs.reduce((sum, [, o]) => sum + o, 0);
  const ratio = oracle > 0 ? net / oracle : Number.NaN;
  const meanOracle = oracle / Math.max(1, pairs.length);
  return { ratio, influence: pairs.map(([n, o]) => (n - ratio * o) / meanOracle) };
}

/** A cycle's (or several cycles') true net return and hindsight optimum, summed. */
function money(cycles: readonly (StudyCycle | undefined)[]): readonly [number, number] | undefined {
  const present = cycles.filter(
    (cycle): cycle is StudyCycle =>
      cycle !== undefined && Number.isFinite(cycle.trueNetReturn) && Number.isFinite(cycle.oracleNetReturn),
  );
  if (present.length === 0) return undefined;
  return [
    present.reduce((sum, cycle) => sum + cycle.trueNetReturn, 0),
    present.reduce((sum, cycle) => sum + cycle.oracleNetReturn, 0),
  ];
}

/**
 * The calibration study as a Markdown table: per cycle, each arm's mean share of the hindsight optimum's
 * true net return and the paired difference `treatment − control` with its standard error, then the same
 * money-weighted (Σ net ÷ Σ optimum, which does not blow up in cycles whose optimum earns almost nothing);
 * then cycles 2…N pooled, and each arm's later cycles against its own cycle 1.
 *
 * @example
 * ```ts
 * console.log(calibrationStudyMarkdown(worlds, 'off', 'on'));
 * ```
 */
export function calibrationStudyMarkdown(
  worlds: readonly CalibrationStudyWorld[],
  control: string,
  treatment: string,
): string {
  const cycles = [
    ...new Set(worlds.flatMap((world) => (world.arms[control] ?? []).map((c) => c.cycle))),
  ].sort((a, b) => a - b);
  const f = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : '—');
  const signed = (value: number) =>
    Number.isFinite(value) ? `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(3)}` : '—';
  const lines = [
    `| cycle | worlds | ${control}: mean share | ${treatment}: mean share | ${treatment} − ${control} (paired ± SE) | ${control}: Σ net ÷ Σ optimum | ${treatment}: Σ net ÷ Σ optimum | Σ ${treatment} − ${control} (paired ± SE) |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const row = (
    label: string,
    pick: (world: CalibrationStudyWorld, arm: string) => number | undefined,
    pickMoney: (world: CalibrationStudyWorld, arm: string) => readonly [number, number] | undefined,
  ) => {
    const pairs = worlds
      .map((world) => [pick(world, control), pick(world, treatment)] as const)
      .filter((pair): pair is readonly [number, number] => pair[0] !== undefined && pair[1] !== undefined);
    const differences = pairs.map(([a, b]) => b - a);
    const both = worlds
      .map((world) => [pickMoney(world, control), pickMoney(world, treatment)] as const)
      .filter(
        (pair): pair is readonly [readonly [number, number], readonly [number, number]] =>
          pair[0] !== undefined && pair[1] !== undefined,
      );
    const a = ratioWithInfluence(both.map((pair) => pair[0]));
    const b = ratioWithInfluence(both.map((pair) => pair[1]));
    const moneyDifferences = b.influence.map((value, k) => value - (a.influence[k] as number));
    lines.push(
      `| ${label} | ${pairs.length} | ${f(mean(pairs.map((p) => p[0])))} | ${f(mean(pairs.map((p) => p[1])))} | ${signed(mean(differences))} ± ${f(standardError(differences))} | ${f(a.ratio)} | ${f(b.ratio)} | ${signed(b.ratio - a.ratio)} ± ${f(standardError(moneyDifferences))} |`,
    );
  };
  for (const cycle of cycles) {
    row(
      String(cycle),
      (world, arm) => cycleShare(world.arms[arm]?.find((c) => c.cycle === cycle)),
      (world, arm) => money([world.arms[arm]?.find((c) => c.cycle === cycle)]),
    );
  }
  const later = (world: CalibrationStudyWorld, arm: string) => {
    const shares = (world.arms[arm] ?? [])
      .filter((c) => c.cycle > (cycles[0] ?? 1))
      .map(cycleShare)
      .filter((share): share is number => share !== undefined);
    return shares.length === 0 ? undefined : mean(shares);
  };
  const laterMoney = (world: CalibrationStudyWorld, arm: string) =>
    money((world.arms[arm] ?? []).filter((c) => c.cycle > (cycles[0] ?? 1)));
  row(`${cycles[1] ?? 2}–${cycles.at(-1) ?? ''} (mean of cycles)`, later, laterMoney);
  lines.push('');
  lines.push(
    `| arm | later cycles − cycle ${cycles[0] ?? 1} (paired ± SE) | Σ net ÷ Σ optimum: later cycles − cycle ${cycles[0] ?? 1} (paired ± SE) |`,
  );
  lines.push('|---|---:|---:|');
  for (const arm of [control, treatment]) {
    const differences = worlds
      .map((world) => {
        const first = cycleShare(world.arms[arm]?.find((c) => c.cycle === cycles[0]));
        const rest = later(world, arm);
        return first === undefined || rest === undefined ? undefined : rest - first;
      })
      .filter((d): d is number => d !== undefined);
    const pairs = worlds
      .map(
        (world) =>
          [money([world.arms[arm]?.find((c) => c.cycle === cycles[0])]), laterMoney(world, arm)] as const,
      )
      .filter(
        (pair): pair is readonly [readonly [number, number], readonly [number, number]] =>
          pair[0] !== undefined && pair[1] !== undefined,
      );
    const first = ratioWithInfluence(pairs.map((pair) => pair[0]));
    const rest = ratioWithInfluence(pairs.map((pair) => pair[1]));
    const moneyDifferences = rest.influence.map((value, k) => value - (first.influence[k] as number));
    lines.push(
      `| ${arm} | ${signed(mean(differences))} ± ${f(standardError(differences))} | ${signed(rest.ratio - first.ratio)} ± ${f(standardError(moneyDifferences))} |`,
    );
  }
  return lines.join('\n');
}
