import { describe, expect, it } from 'vitest';
import { engineConfigs, engineOutputHashes } from '../fixtures/engine-outputs';
import committed from '../fixtures/engine-outputs.json';

describe('engine outputs', () => {
  it('reproduce the committed hashes for every treatment target and sampler edge case', () => {
    expect(Object.keys(committed.hashes)).toEqual(Object.keys(engineConfigs));
    expect(engineOutputHashes()).toEqual(committed.hashes);
  });
});
