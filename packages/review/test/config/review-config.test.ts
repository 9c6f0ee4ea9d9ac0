import { mkdtempSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@impact/contracts';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { describe, expect, it } from 'vitest';
import { createReviewerFromConfig, loadReviewConfig } from '../../src/config/review-config';
import { measurement } from '../helpers';
import { startLoopback } from '../llm/loopback';

const answer = JSON.stringify({ confidence: 0.93, flags: [], rationale: 'ok' });

function writeYaml(lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'review-config-')), 'review.yaml');
  writeFileSync(file, lines.join('\n'));
  return file;
}

describe('review configuration', () => {
  it('builds the deterministic reviewer by default, with rule overrides', async () => {
    const strict = createReviewerFromConfig({ rules: { adjustments: { significance: { weight: 1 } } } });
    const lenient = createReviewerFromConfig({});
    expect(strict.name).toBe('deterministic');
    const input = { measurement: measurement({ p_value: 0.6 }), cost: 1 };
    expect((await strict.review(input)).confidence).toBeLessThan((await lenient.review(input)).confidence);
  });

  it('reads backend, model, temperature, timeout and retries from YAML', () => {
    const file = writeYaml([
      'reviewer: llm',
      'llm:',
      '  backend: ollama',
      '  model: llama3.1:8b',
      '  temperature: 0.2',
      '  timeout_ms: 30000',
      '  max_retries: 1',
      '  base_url: http://127.0.0.1:11434',
    ]);
    expect(loadReviewConfig(file).llm).toEqual({
      backend: 'ollama',
      model: 'llama3.1:8b',
      temperature: 0.2,
      timeout_ms: 30000,
      max_retries: 1,
      max_tool_calls: 8,
      base_url: 'http://127.0.0.1:11434',
    });
  });

  it.each([
    [['reviewer: llm'], /llm: expected an llm section/],
    [['llm: { backend: ollama, model: m }'], /reviewer: expected reviewer: llm/],
    [['reviewer: llm', 'llm: { backend: openai, model: m }'], /llm\.backend/],
    [['reviewer: llm', 'llm: { backend: ollama, model: m, timeout: 5 }'], /timeout/],
    [['reviewer: llm', 'llm: { backend: ollama, model: m, region: us-east-1 }'], /llm\.region/],
    [['reviewer: llm', 'llm: { backend: bedrock, model: m, max_retries: -1 }'], /llm\.max_retries/],
    [['rules: { bands: { experiment: { min: 0.1, max: 0.2 } } }'], /bands\.experiment/],
  ])('rejects %j with a message naming the field', (lines, message) => {
    const file = writeYaml(lines);
    expect(() => loadReviewConfig(file)).toThrow(ConfigError);
    expect(() => loadReviewConfig(file)).toThrow(message);
  });

  it('uses an injected chat model with the configured limits and records the backend as name', async () => {
    const reviewer = createReviewerFromConfig(
      { reviewer: 'llm', llm: { backend: 'bedrock', model: 'x', max_retries: 0 } },
      { model: new FakeListChatModel({ responses: [answer] }) },
    );
    const review = await reviewer.review({ measurement: measurement(), cost: 1 });
    expect(review.confidence).toBe(0.93);
    expect(review.reviewer).toEqual({ name: 'bedrock', kind: 'llm', model: 'fake-list' });
  });

  it('builds a working Ollama reviewer from configuration', async () => {
    const server = await startLoopback((_request, response: ServerResponse) => {
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      response.end(
        `${JSON.stringify({ model: 'm', created_at: '2026-01-01T00:00:00Z', message: { role: 'assistant', content: answer }, done: true, done_reason: 'stop' })}\n`,
      );
    });
    try {
      const reviewer = createReviewerFromConfig({
        reviewer: 'llm',
        llm: { backend: 'ollama', model: 'qwen2.5:7b', base_url: server.url, timeout_ms: 5000 },
      });
      const review = await reviewer.review({ measurement: measurement(), cost: 1 });
      expect(review.reviewer).toEqual({ name: 'ollama', kind: 'llm', model: 'qwen2.5:7b' });
      expect(review.confidence).toBe(0.93);
      expect((server.requests[0]!.body as { options: { temperature: number } }).options.temperature).toBe(0);
    } finally {
      await server.close();
    }
  });
});
