import { fileURLToPath } from 'node:url';
import { ConfigError } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { formatCsv, loadSimulationConfig, simulate } from '../../src/index';
import { smallExperiment } from '../helpers';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

describe('loadSimulationConfig', () => {
  it('reads YAML with defaults and simulates exactly like the same config from code', () => {
    const config = loadSimulationConfig(fixture('experiment.yaml'));
    expect(config.seasonality.day_noise).toBe(0.05);
    expect(config.treatment?.ramp_days).toBe(0);
    expect(formatCsv(simulate(config).metrics)).toBe(formatCsv(simulate(smallExperiment).metrics));
  });

  it('names the file and the field of an unknown metric', () => {
    let error: unknown;
    try {
      loadSimulationConfig(fixture('bad-metric.yaml'));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe('treatment.metric');
    expect((error as ConfigError).message).toMatch(/bad-metric\.yaml: treatment\.metric: expected one of/);
  });
});
