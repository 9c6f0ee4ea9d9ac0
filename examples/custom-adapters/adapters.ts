/**
 * Three custom adapters, registered by name so the pipeline YAML can select them:
 * - a data source `json_rows` reading a JSON file of row objects (e.g. a warehouse export);
 * - a model `welch_difference`: difference in means with Welch's standard error;
 * - an allocation rule `hurwicz`: maximise α·best + (1 − α)·worst effective return (α = 0.3, cautious).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { defineRule, dot, registerRule } from '../../packages/allocate/src/index';
import { type Table, tableFromRows } from '../../packages/contracts/src/index';
import {
  binaryColumn,
  defineDataSource,
  defineModel,
  MeasureError,
  normalQuantile,
  numericColumn,
  registerDataSource,
  registerModel,
  twoSidedPValue,
} from '../../packages/measure/src/index';

export const jsonRowsSource = defineDataSource({
  name: 'json_rows',
  specSchema: z.strictObject({ path: z.string().min(1) }),
  load(spec, { baseDir }): Table {
    // Relative to the config file's folder, like the built-in file source.
    const file = resolve(baseDir, spec.path);
    const rows = JSON.parse(readFileSync(file, 'utf8')) as Record<string, number | string>[];
    if (!Array.isArray(rows) || rows.length === 0) {
      throw new MeasureError('DATA_FILE_INVALID', `${file}: expected a non-empty JSON list of rows`);
    }
    return tableFromRows(rows);
  },
});

const WelchParamsSchema = z.strictObject({ outcome: z.string().min(1), treatment: z.string().min(1) });

/** Welch (1947): SE = √(s₁²/n₁ + s₀²/n₀); normal reference, which is fine for the hundreds of units here. */
export const welchDifferenceModel = defineModel<z.output<typeof WelchParamsSchema>>({
  name: 'welch_difference',
  modelType: 'experiment',
  paramsSchema: WelchParamsSchema,
  fit(table, params, { ciLevel }) {
    const y = numericColumn(table, params.outcome, 'outcome');
    const d = binaryColumn(table, params.treatment, 'treatment');
    const n = [0, 0];
    const sum = [0, 0];
    const sumSquares = [0, 0];
    for (let i = 0; i < y.length; i++) {
      const g = d[i] as number;
      n[g] = (n[g] as number) + 1;
      sum[g] = (sum[g] as number) + (y[i] as number);
      sumSquares[g] = (sumSquares[g] as number) + (y[i] as number) ** 2;
    }
    const [n0, n1] = n as [number, number];
    if (n0 < 2 || n1 < 2) {
      throw new MeasureError(
        'DATA_EMPTY_GROUP',
        'welch_difference needs at least two treated and two control rows',
        {
          column: params.treatment,
        },
      );
    }
    const mean = (g: 0 | 1) => (sum[g] as number) / (n[g] as number);
    const variance = (g: 0 | 1) =>
      ((sumSquares[g] as number) - (n[g] as number) * mean(g) ** 2) / ((n[g] as number) - 1);
    const effect = mean(1) - mean(0);
    const se = Math.sqrt(variance(1) / n1 + variance(0) / n0);
    const z = normalQuantile(0.5 + ciLevel / 2);
    return {
      effect_estimate: effect,
      standard_error: se,
      ci_lower: effect - z * se,
      ci_upper: effect + z * se,
      p_value: twoSidedPValue(effect / se, Number.POSITIVE_INFINITY),
      sample_size: n0 + n1,
      metric: params.outcome,
      effect_unit: 'absolute',
      diagnostics: { n_treated: n1, n_control: n0 },
      details: { treated_mean: mean(1), control_mean: mean(0) },
    };
  },
});

const OPTIMISM = 0.3;

/** Hurwicz criterion: a weighted mix of the best and worst scenarios (linear, so solved exactly as a MILP). */
export const hurwiczRule = defineRule<undefined>({
  name: 'hurwicz',
  objective(problem) {
    const [best, , worst] = problem.effectiveReturns as [Float64Array, Float64Array, Float64Array];
    return {
      sense: 'max',
      itemCoefficients: best.map((b, i) => OPTIMISM * b + (1 - OPTIMISM) * (worst[i] as number)),
    };
  },
  evaluate(problem, _state, selection) {
    const [best, , worst] = problem.effectiveReturns as [Float64Array, Float64Array, Float64Array];
    return OPTIMISM * dot(best, selection) + (1 - OPTIMISM) * dot(worst, selection);
  },
});

let registered = false;

/** Register the three adapters once (registries refuse duplicate names). */
export function registerCustomAdapters(): void {
  if (registered) return;
  registerDataSource(jsonRowsSource);
  registerModel(welchDifferenceModel);
  registerRule(hurwiczRule);
  registered = true;
}
