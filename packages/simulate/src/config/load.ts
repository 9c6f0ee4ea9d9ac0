import { loadConfig } from '@impact/contracts';
import { type SimulationConfig, SimulationConfigSchema } from './schema';

/**
 * Read a simulator configuration from a YAML file (through `@impact/contracts`' `loadConfig`), with
 * defaults applied. Throws `ConfigError` with the file, the field path, and what was expected vs found.
 *
 * @example
 * ```ts
 * const config = loadSimulationConfig('examples/simulate-basic/config.yaml');
 * const result = simulate(config);
 * ```
 */
export function loadSimulationConfig(file: string): SimulationConfig {
  return loadConfig(file, SimulationConfigSchema);
}
