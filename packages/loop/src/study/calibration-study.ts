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
 * The calibration study as a Markdown table: per cycle, each arm's mean share of the hindsight optimum's
 * true net return and the paired difference `treatment − control` with its standard error; then cycles
 * 2…N pooled, and each arm's later cycles against its own cycle 1.
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
    `| cycle | worlds | ${control}: mean share | ${treatment}: mean share | ${treatment} − ${control} (paired ± SE) |`,
    '|---|---:|---:|---:|---:|',
  ];
  const row = (label: string, pick: (world: CalibrationStudyWorld, arm: string) => number | undefined) => {
    const pairs = worlds
      .map((world) => [pick(world, control), pick(world, treatment)] as const)
      .filter((pair): pair is readonly [number, number] => pair[0] !== undefined && pair[1] !== undefined);
    const differences = pairs.map(([a, b]) => b - a);
    lines.push(
      `| ${label} | ${pairs.length} | ${f(mean(pairs.map((p) => p[0])))} | ${f(mean(pairs.map((p) => p[1])))} | ${signed(mean(differences))} ± ${f(standardError(differences))} |`,
    );
  };
  for (const cycle of cycles) {
    row(String(cycle), (world, arm) => cycleShare(world.arms[arm]?.find((c) => c.cycle === cycle)));
  }
  const later = (world: CalibrationStudyWorld, arm: string) => {
    const shares = (world.arms[arm] ?? [])
      .filter((c) => c.cycle > (cycles[0] ?? 1))
      .map(cycleShare)
      .filter((share): share is number => share !== undefined);
    return shares.length === 0 ? undefined : mean(shares);
  };
  row(`${cycles[1] ?? 2}–${cycles.at(-1) ?? ''} (mean of cycles)`, later);
  lines.push('');
  lines.push(`| arm | later cycles − cycle ${cycles[0] ?? 1} (paired ± SE) |`);
  lines.push('|---|---:|');
  for (const arm of [control, treatment]) {
    const differences = worlds
      .map((world) => {
        const first = cycleShare(world.arms[arm]?.find((c) => c.cycle === cycles[0]));
        const rest = later(world, arm);
        return first === undefined || rest === undefined ? undefined : rest - first;
      })
      .filter((d): d is number => d !== undefined);
    lines.push(`| ${arm} | ${signed(mean(differences))} ± ${f(standardError(differences))} |`);
  }
  return lines.join('\n');
}
