import { hashValue, stableStringify } from '@impact/contracts';
import type { DataSourceAdapter, DataSourceContext } from '../../sources/source';
import type { SqlRelation } from '../../sql/relation';
import { isSqlDataSource } from '../../sql/sql-source';
import type { JsonValue, ModelAdapter, ModelContext, ModelEstimate } from '../model';
import { pushdownDifferenceInDifferences } from './did';
import { pushdownExperiment } from './experiment';
import { streamedFrom } from './stream-ols';
import { PushdownUnsupported } from './unsupported';

type PushdownFitter = (relation: SqlRelation, params: never, context: ModelContext) => Promise<ModelEstimate>;

/** Models with a SQL pushdown, by model name. */
const PUSHDOWN_MODELS: Record<string, PushdownFitter> = {
  experiment: pushdownExperiment as PushdownFitter,
  difference_in_differences: pushdownDifferenceInDifferences as PushdownFitter,
};

/**
 * Register a SQL pushdown for a model name (how the built-in `experiment` and
 * `difference_in_differences` pushdowns are wired); the fitter receives the parsed model params.
 *
 * @example
 * ```ts
 * registerPushdownModel('difference_in_differences', pushdownDifferenceInDifferences);
 * ```
 */
export function registerPushdownModel<P>(
  name: string,
  fitter: (relation: SqlRelation, params: P, context: ModelContext) => Promise<ModelEstimate>,
): void {
  PUSHDOWN_MODELS[name] = fitter as PushdownFitter;
}

/** What {@link pushdownIfRequested} did. */
export interface PushdownOutcome {
  /** The estimate computed inside the engine; absent when the run must load data after all. */
  estimate?: ModelEstimate;
  /** Fingerprint of the data for the job id (the relation and the statistics it produced). */
  fingerprint?: string;
  /** `data_path` (and for a fallback, why) for the result's diagnostics. */
  diagnostics: Record<string, JsonValue>;
}

/**
 * The run's pushdown hook: when the data source is SQL-backed and its spec says `pushdown: true`, fit the
 * model inside the engine if it has a pushdown, no transforms run in memory and no `refute:` stage refits
 * it (`options.refuting`, decided before any query); otherwise say why in
 * `diagnostics.data_path` (the run then loads only the columns the model names). Undefined when pushdown
 * was not asked for.
 *
 * @example
 * ```ts
 * const pushed = await pushdownIfRequested(adapter, spec, model, params, 0, sourceContext, { ciLevel: 0.95, seed: 1 });
 * ```
 */
export async function pushdownIfRequested(
  adapter: DataSourceAdapter<unknown>,
  spec: unknown,
  model: ModelAdapter<unknown>,
  params: unknown,
  transformCount: number,
  sourceContext: DataSourceContext,
  context: ModelContext,
  options: { refuting?: boolean } = {},
): Promise<PushdownOutcome | undefined> {
  if (!isSqlDataSource(adapter) || !adapter.wantsPushdown(spec)) return undefined;
  const fitter = PUSHDOWN_MODELS[model.name];
  const loaded = sourceContext.columns
    ? 'in memory, loading only the columns the model names'
    : 'in memory, loading every column';
  if (!fitter) return { diagnostics: { data_path: `${loaded}: model "${model.name}" has no SQL pushdown` } };
  // Decided before any query: refutation refits on placebo data, which needs the rows in memory.
  if (options.refuting)
    return {
      diagnostics: {
        data_path: `${loaded}: refute: refits the model on placebo and subset data in memory, so the model is not pushed down`,
      },
    };
  if (transformCount > 0)
    return {
      diagnostics: { data_path: `${loaded}: transforms run in memory, so the model cannot be pushed down` },
    };
  const relation = await adapter.openRelation(spec, sourceContext);
  try {
    const estimate = await fitter(relation, params as never, context);
    // Streamed: the engine (DuckDB, in this process) sent the rows to the in-memory OLS kernels.
    const how = streamedFrom(relation.engine) ? ', rows streamed to the in-memory OLS kernels' : '';
    const dataPath = `pushdown (${relation.engine.dialect.name}${how})`;
    estimate.diagnostics.data_path = dataPath;
    // No rows leave the engine, so the job id hashes what did: the relation and the statistics.
    const fingerprint = hashValue({
      relation: relation.from,
      estimate: JSON.parse(stableStringify(estimate)),
    });
    return { estimate, fingerprint, diagnostics: {} };
  } catch (error) {
    if (error instanceof PushdownUnsupported)
      return { diagnostics: { data_path: `${loaded}: ${error.message}` } };
    throw error;
  } finally {
    await relation.engine.close();
  }
}
