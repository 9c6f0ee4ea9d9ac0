/**
 * Score a saved decision-style study: add the two hindsight references (`population_prior`,
 * `design_laws`, which need every world's truth and so are scored after the run) and summarise against a
 * reference policy, with every row's label. Shared by the decision and long-history study scripts.
 */
import {
  DESIGN_LAWS_LABEL,
  DESIGN_LAWS_POLICY,
  type DecisionPolicy,
  POPULATION_PRIOR_LABEL,
  POPULATION_PRIOR_POLICY,
  summarizeBenchmark,
  type WorldOutcome,
  withDesignLaws,
  withPopulationPrior,
} from '../src/index';

/** The outcomes with both references added, their summary against `reference`, and the row labels. */
export function summarizeWithReferences(
  measured: readonly WorldOutcome[],
  policies: readonly DecisionPolicy[],
  reference: string,
) {
  const outcomes = withDesignLaws(withPopulationPrior(measured));
  const labels = {
    ...Object.fromEntries(policies.map((policy) => [policy.name, policy.label])),
    [POPULATION_PRIOR_POLICY]: POPULATION_PRIOR_LABEL,
    [DESIGN_LAWS_POLICY]: DESIGN_LAWS_LABEL,
  };
  return { outcomes, summary: summarizeBenchmark(outcomes, reference), labels };
}
