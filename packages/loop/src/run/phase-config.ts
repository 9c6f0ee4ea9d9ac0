import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, loadConfig } from '@impact/contracts';
import { type PilotPlan, planPilot } from '@impact/measure';
import { z } from 'zod';
import type { InitiativeConfig } from '../config/pipeline-schema';
import type { LoopPhase } from '../stages/stages';
import { type CycleInput, errorInfo, type PoolEntry, StageFailure } from './cycle-state';
import { cycleSeed, deriveSeed } from './seeds';

const StageConfigSchema = z.record(z.string(), z.unknown());

/** A stage configuration written inline or in a file, with `data.path` resolved against its folder. */
export function stageConfig(
  value: string | Record<string, unknown>,
  baseDir: string,
): Record<string, unknown> {
  const [config, folder] =
    typeof value === 'string'
      ? [loadConfig(value, StageConfigSchema), dirname(resolve(value))]
      : [value, baseDir];
  const data = config.data;
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    const path = (data as Record<string, unknown>).path;
    if (typeof path === 'string' && !isAbsolute(path)) {
      return { ...config, data: { ...(data as Record<string, unknown>), path: resolve(folder, path) } };
    }
  }
  return { ...config };
}

function configIssue(field: string, message: string, file: string | undefined): ConfigError {
  const text = `${field}: ${message}`;
  return new ConfigError('CONFIG_INVALID', file === undefined ? text : `${file}: ${text}`, {
    issues: [{ path: field, expected: message.replace(/^expected /, ''), found: '', message: text }],
    ...(file === undefined ? {} : { file }),
  });
}

/** The measure config of one phase with `initiative_id` and a derived `seed` filled in. */
function measureConfig(
  raw: Record<string, unknown>,
  initiative: InitiativeConfig,
  field: string,
  seed: number,
  cycle: number,
  simulated: boolean,
  file: string | undefined,
): Record<string, unknown> {
  const id = raw.initiative_id;
  if (id !== undefined && id !== initiative.initiative_id) {
    throw configIssue(
      `${field}.initiative_id`,
      `expected "${initiative.initiative_id}" (the initiative's id) or nothing, got ${JSON.stringify(id)}`,
      file,
    );
  }
  if (simulated && raw.data !== undefined) {
    throw configIssue(`${field}.data`, 'expected no data section: the simulated data are measured', file);
  }
  const explicit = typeof raw.seed === 'number' ? cycleSeed(raw.seed, cycle) : raw.seed;
  return { ...raw, initiative_id: initiative.initiative_id, seed: explicit ?? seed };
}

/** The stage configs of one phase of one initiative: the simulation (undefined when not simulated) and measure. */
export interface PhaseConfigs {
  simulationConfig: Record<string, unknown> | undefined;
  measureRaw: Record<string, unknown>;
  /** The pilot's plan when `pilot.plan` sized it. */
  plan?: PilotPlan;
}

/**
 * A pilot simulation sized by `pilot.plan`: `products` = the planned units and, for an experiment, the
 * treated share of the plan. Throws `ConfigError` when the pilot is not simulated or the plan does not solve
 * for units.
 */
function plannedSimulation(
  simulation: Record<string, unknown> | undefined,
  plan: PilotPlan,
  field: string,
  file: string | undefined,
): Record<string, unknown> {
  if (simulation === undefined)
    throw configIssue(
      `${field}.plan`,
      'expected a pilot simulation: pilot.plan sizes the simulated products',
      file,
    );
  if (plan.units === undefined || plan.solved_for !== 'units') {
    throw configIssue(
      `${field}.plan`,
      'expected a plan that solves for units (design experiment, or did with post_periods): pilot.plan sets the simulated products',
      file,
    );
  }
  const treatment = simulation.treatment as Record<string, unknown> | undefined;
  const share =
    plan.design === 'experiment' && plan.n_treated !== undefined ? plan.n_treated / plan.units : undefined;
  return {
    ...simulation,
    products: plan.units,
    ...(treatment !== undefined && share !== undefined
      ? { treatment: { ...treatment, fraction: share } }
      : {}),
  };
}

/** The scale simulation: its own config, or the pilot's with the scale sample size and treatment. */
function scaleSimulation(
  initiative: InitiativeConfig,
  pilotSimulation: Record<string, unknown> | undefined,
  pilotSeed: number,
  baseDir: string,
  cycle: number,
): Record<string, unknown> | undefined {
  const id = initiative.initiative_id;
  const scale = initiative.scale;
  if (scale?.simulation !== undefined) {
    const own = stageConfig(scale.simulation, baseDir);
    return {
      ...own,
      seed: typeof own.seed === 'number' ? cycleSeed(own.seed, cycle) : deriveSeed(pilotSeed, id, 'scale'),
    };
  }
  if (pilotSimulation === undefined) return undefined;
  const treatment = pilotSimulation.treatment as Record<string, unknown> | undefined;
  return {
    ...pilotSimulation,
    seed: deriveSeed(pilotSeed, id, 'scale'),
    products: initiative.scale_sample_size ?? scale?.sample_size,
    ...(treatment === undefined && scale?.treatment === undefined
      ? {}
      : { treatment: { ...treatment, ...scale?.treatment } }),
  };
}

/**
 * The simulation and measure configs of one phase of a pool entry, with seeds derived from the cycle's
 * base seed. Throws `ConfigError` naming the field.
 */
export function buildPhaseConfigs(input: CycleInput, entry: PoolEntry, phase: LoopPhase): PhaseConfigs {
  const { baseDir, file } = input.pipeline;
  const { cycle, seed } = input;
  const { initiative, index } = entry;
  const id = initiative.initiative_id;
  const field = `initiatives[${index}]`;
  const pilotField = entry.restudied ? `${field}.restudy.pilot` : `${field}.pilot`;
  const pilotSimulation =
    initiative.pilot.simulation === undefined ? undefined : stageConfig(initiative.pilot.simulation, baseDir);
  const pilotSeed =
    typeof pilotSimulation?.seed === 'number'
      ? cycleSeed(pilotSimulation.seed, cycle)
      : deriveSeed(seed, id, 'pilot');
  const plan =
    phase === 'pilot' && initiative.pilot.plan !== undefined ? planPilot(initiative.pilot.plan) : undefined;
  const sizedPilot =
    plan === undefined ? pilotSimulation : plannedSimulation(pilotSimulation, plan, pilotField, file);
  const simulationConfig =
    phase === 'pilot'
      ? sizedPilot && { ...sizedPilot, seed: pilotSeed }
      : scaleSimulation(initiative, pilotSimulation, pilotSeed, baseDir, cycle);
  const measureSource =
    phase === 'pilot' ? initiative.pilot.measure : (initiative.scale?.measure ?? initiative.pilot.measure);
  const measureRaw = measureConfig(
    stageConfig(measureSource, baseDir),
    initiative,
    phase === 'scale' && initiative.scale?.measure !== undefined
      ? `${field}.scale.measure`
      : `${pilotField}.measure`,
    deriveSeed(seed, id, phase, 'measure'),
    cycle,
    simulationConfig !== undefined,
    file,
  );
  return { simulationConfig, measureRaw, ...(plan === undefined ? {} : { plan }) };
}

/** {@link buildPhaseConfigs} with a config error turned into a `config` failure of the initiative. */
export function phaseConfigs(input: CycleInput, entry: PoolEntry, phase: LoopPhase): PhaseConfigs {
  try {
    return buildPhaseConfigs(input, entry, phase);
  } catch (error) {
    const id = entry.initiative.initiative_id;
    input.emit({ type: 'stage-error', stage: 'measure', initiativeId: id, phase, ...errorInfo(error) });
    throw new StageFailure({ stage: 'config', phase, ...errorInfo(error) }, error);
  }
}
