import { formatMoney, formatPercent } from './format';
import type { LoopRun } from './initiative-run';
import type { ReportView } from './view';

const REASON_WORDS: Record<string, string> = {
  budget: 'did not fit the budget',
  confidence: 'had too little confidence',
  rule: 'were not chosen by the allocation rule',
  excluded: 'were excluded',
  failed: 'failed',
};

/**
 * One plain-language paragraph for a manager: what was funded and for how much of the budget, what the
 * pilots predicted against what scaling returned (and the simulated truth), how many results landed in their
 * pilot interval, and why the rest were not funded. Plain text (the caller escapes it for HTML).
 *
 * @example
 * ```ts
 * const paragraph = managerSummary(run, reportView(run));
 * ```
 */
export function managerSummary(run: LoopRun, view: ReportView): string {
  const currency = view.currency === undefined ? '' : ` ${view.currency}`;
  const money = (value: number) => `${formatMoney(value)}${currency}`;
  const funded = view.records.length;
  const total = run.initiatives.length;
  const unspent = Math.max(0, view.budget - view.totalAllocated);
  const sentences = [
    `${funded} of ${total} piloted initiative${total === 1 ? ' was' : 's were'} funded, using ${money(view.totalAllocated)} of the ${money(view.budget)} budget${unspent > 0 ? ` (${money(unspent)} unspent)` : ''}${view.rule === undefined ? '' : ` under the ${view.rule.replaceAll('_', ' ')} rule`}.`,
  ];
  if (funded > 0) {
    const predicted = view.records.reduce((sum, record) => sum + record.predicted_return, 0);
    const actual = view.records.reduce((sum, record) => sum + record.actual_return, 0);
    const spent = view.records.reduce((sum, record) => sum + record.budget, 0);
    const truth = view.records.every((record) => record.true_return !== undefined)
      ? view.records.reduce((sum, record) => sum + (record.true_return as number), 0)
      : undefined;
    const inside = view.records.filter((record) => record.within_pilot_ci).length;
    sentences.push(
      `Their pilots predicted a combined return of ${money(predicted)}; at scale they returned ${money(actual)}` +
        `${truth === undefined ? '' : ` (the simulated truth: ${money(truth)})`}` +
        `${spent > 0 ? `, ${formatPercent((actual - spent) / spent)} on the money spent` : ''}.`,
      `${inside} of ${funded} scale result${funded === 1 ? '' : 's'} fell inside the pilot's interval.`,
    );
  }
  if (view.dropped.length > 0) {
    const byReason = new Map<string, number>();
    for (const drop of view.dropped) byReason.set(drop.reason, (byReason.get(drop.reason) ?? 0) + 1);
    const parts = [...byReason.entries()].map(
      ([reason, count]) => `${count} ${REASON_WORDS[reason] ?? reason}`,
    );
    sentences.push(`Not funded: ${parts.join(', ')}.`);
  }
  return sentences.join(' ');
}
