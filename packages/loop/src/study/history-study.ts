import { appendCycle, emptyLoopHistory, type LoopHistory, type OutcomeReport } from '@impact/contracts';
import { MeasuredWorld } from './measured-world';
import {
  type DecisionPolicy,
  type LoopPolicy,
  naiveNetPolicy,
  naiveRatioPolicy,
  oraclePolicy,
} from './policies';
import { type DecisionWorldOptions, generateDecisionWorld } from './world';

/** One earlier world's cycle for a study history: its seed and the outcome report the loop wrote. */
export interface HistoryCycle {
  seed: number;
  report: OutcomeReport;
}

/**
 * Run the loop with its defaults on one world and return its outcome report as one cycle of a study
 * history (a company's earlier cycle: every pilot in `evidence`, the funded initiatives' scale outcomes in
 * `records`).
 *
 * @example
 * ```ts
 * const cycle = await runStudyCycle(17);
 * ```
 */
export async function runStudyCycle(seed: number, options: DecisionWorldOptions = {}): Promise<HistoryCycle> {
  const measured = new MeasuredWorld(generateDecisionWorld(seed, options));
  try {
    return { seed, report: await measured.run({}) };
  } finally {
    measured.dispose();
  }
}

/**
 * A loop history made of earlier worlds, one cycle per world in the order given, as if one company had run
 * them one after the other. Every world names its initiatives `initiative-01`, …; here each id becomes
 * `w<seed>-initiative-01` so that initiatives of different worlds stay apart.
 *
 * @example
 * ```ts
 * const history = studyHistory([await runStudyCycle(1), await runStudyCycle(2)]); // cycles 1 and 2
 * ```
 */
export function studyHistory(cycles: readonly HistoryCycle[]): LoopHistory {
  let history = emptyLoopHistory();
  for (const { seed, report } of cycles) {
    const rename = <T extends { initiative_id: string }>(entry: T): T => ({
      ...entry,
      initiative_id: `w${seed}-${entry.initiative_id}`,
    });
    history = appendCycle(history, {
      ...report,
      records: report.records.map(rename),
      dropped: report.dropped.map(rename),
      ...(report.evidence === undefined ? {} : { evidence: report.evidence.map(rename) }),
    });
  }
  return history;
}

/**
 * The policies of the long-history study, every loop policy reading the history at `historyPath` (so all
 * of them, and the baselines, see the same pilots: the loop derives pilot seeds from the cycle number):
 * no learning (the history ignored), the prior pooled from the history with independent pilot biases
 * (`shared_bias: false`), the prior pooled from the history's pilots only (`outcomes: ignore`), the defaults
 * (prior pooled from pilots and scale outcomes, biases shared per estimator), the defaults plus
 * calibration from the history's outcomes, and the naive rules and the oracle.
 *
 * @example
 * ```ts
 * const worlds = await runDecisionBenchmark({ seeds: [1001, 1002], policies: historyStudyPolicies('history.json') });
 * ```
 */
export function historyStudyPolicies(historyPath: string): DecisionPolicy[] {
  const pipeline = { history: historyPath };
  const loop = (name: string, label: string, extra: Omit<LoopPolicy, 'kind' | 'name' | 'label'>) => ({
    kind: 'loop' as const,
    name,
    label,
    ...extra,
    pipeline: { ...pipeline, ...extra.pipeline },
  });
  return [
    loop('history_ignored', 'the loop, history ignored (`prior_from_history: false`)', {
      review: { decision_model: { name: 'predictive', prior_from_history: false } },
    }),
    loop('history_independent_bias', 'prior from history, pilot biases independent (`shared_bias: false`)', {
      review: { decision_model: { name: 'predictive', shared_bias: false } },
    }),
    loop(
      'history_outcomes_ignored',
      'prior from history’s pilots, its outcomes ignored (`outcomes: ignore`)',
      {
        review: { decision_model: { name: 'predictive', outcomes: 'ignore' } },
      },
    ),
    loop(
      'history_default',
      'the loop, defaults: prior from history’s pilots and outcomes, biases shared per estimator',
      {},
    ),
    loop('history_calibrated', 'the defaults + calibration from the history’s outcomes', {
      pipeline: { calibration: { enabled: true } },
    }),
    naiveRatioPolicy,
    naiveNetPolicy,
    oraclePolicy,
  ];
}
