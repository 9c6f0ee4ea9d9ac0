import { isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MeasureResult } from '@impact/contracts';
import type { PhaseRun } from '../report/initiative-run';
import type { LoopPhase, SimulatedData } from '../stages/stages';
import { type CycleInput, type PoolEntry, timed } from './cycle-state';
import { phaseConfigs } from './phase-config';

/** Of a simulated truth record, the true effect of the measured metric in the measurement's unit. */
function trueEffectOf(data: SimulatedData | undefined, measurement: MeasureResult): number | undefined {
  const truth = data?.truth?.[measurement.metric];
  if (truth === undefined) return undefined;
  return measurement.effect_unit === 'relative' ? truth.att_relative : truth.att_absolute;
}

/** An artifact location inside `outDir` as a relative path, so `run.json` does not depend on where it was written. */
function portableUri(uri: string, outDir: string): string {
  const path = uri.startsWith('file://') ? fileURLToPath(uri) : uri;
  if (!isAbsolute(path)) return uri;
  const inside = relative(outDir, path);
  return inside.startsWith('..') || isAbsolute(inside) ? uri : inside.split(sep).join('/');
}

/**
 * One phase (pilot or scale) of one initiative: simulate its data when the phase is simulated, then measure,
 * with artifacts under `artifacts/<initiative>/<phase>`. Errors become a `StageFailure` of the initiative.
 */
export async function runPhase(input: CycleInput, entry: PoolEntry, phase: LoopPhase): Promise<PhaseRun> {
  const { stages, emit, outDir } = input;
  const id = entry.initiative.initiative_id;
  const { simulationConfig, measureRaw, plan } = phaseConfigs(input, entry, phase);
  const simulated =
    simulationConfig === undefined
      ? undefined
      : await timed(emit, 'simulate', id, phase, () =>
          stages.simulate({ initiativeId: id, phase, config: simulationConfig }),
        );
  const artifactDir = join(outDir, 'artifacts', id, phase);
  const measured = await timed(emit, 'measure', id, phase, () =>
    stages.measure({
      initiativeId: id,
      phase,
      config: measureRaw,
      ...(simulated === undefined ? {} : { data: simulated.data }),
      artifactDir,
    }),
  );
  const trueEffect = trueEffectOf(simulated, measured.result);
  const uri = measured.artifactUri;
  // A pilot sized by pilot.plan tells review what it was planned to detect (review's sample_size rule).
  const measurement =
    plan === undefined
      ? measured.result
      : {
          ...measured.result,
          diagnostics: {
            ...measured.result.diagnostics,
            planned_mde: plan.mde,
            planned_power: plan.target_power,
            planned_units: plan.units ?? null,
          },
        };
  return {
    measurement,
    ...(uri === undefined ? {} : { artifact_uri: portableUri(uri, outDir) }),
    ...(trueEffect === undefined ? {} : { true_effect: trueEffect }),
  };
}
