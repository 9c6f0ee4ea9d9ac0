import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig, parseConfig } from '../../src/index';

const Schema = z.strictObject({
  review: z.record(z.string(), z.unknown()).optional(),
  data: z.looseObject({ source: z.string() }).optional(),
  model: z.strictObject({ params: z.record(z.string(), z.unknown()).default({}) }).optional(),
  list: z.array(z.record(z.string(), z.unknown())).optional(),
});

function issuePath(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
    return (error as ConfigError).path;
  }
  return undefined;
}

describe('prototype keys at any depth', () => {
  it.each([
    ['{"review":{"__proto__":{"rules":1}}}', 'review.__proto__'],
    ['{"data":{"source":"file","constructor":{"x":1}}}', 'data.constructor'],
    ['{"model":{"params":{"prototype":{}}}}', 'model.params.prototype'],
    ['{"list":[{"ok":1},{"__proto__":{}}]}', 'list[1].__proto__'],
    ['{"__proto__":{"budget":1}}', '__proto__'],
  ])('rejects %s naming %s', (json, path) => {
    expect(issuePath(() => parseConfig(JSON.parse(json), Schema))).toBe(path);
  });

  it('rejects them in YAML files, naming the file', () => {
    const folder = mkdtempSync(join(tmpdir(), 'impact-proto-'));
    const file = join(folder, 'c.yaml');
    writeFileSync(file, 'model:\n  params:\n    __proto__: { polluted: true }\n');
    expect(() => loadConfig(file, Schema)).toThrowError(`${file}: model.params.__proto__: expected no`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts ordinary keys and leaves the value unchanged', () => {
    expect(parseConfig({ review: { rules: { a: 1 } } }, Schema)).toEqual({ review: { rules: { a: 1 } } });
  });
});
