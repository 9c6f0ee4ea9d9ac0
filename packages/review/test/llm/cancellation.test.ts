import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createLlmReviewer } from '../../src/llm/llm-reviewer';
import { createOllamaReviewer } from '../../src/llm/providers';
import { abortableFetch, withReviewSignal } from '../../src/llm/review-signal';
import { measurement } from '../helpers';
import { type LoopbackServer, startLoopback } from './loopback';

const quasi = measurement({ model_type: 'quasi-experiment', method: 'synthetic_control' });

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('cancellation of the LLM reviewer', () => {
  it('aborts the HTTP request of an Ollama server that accepts and never answers', async () => {
    let received = 0;
    let closedAt: number | undefined;
    server = await startLoopback((_request, response) => {
      received += 1;
      // Never answer; record when the client gives up on the connection.
      response.on('close', () => {
        closedAt = Date.now();
      });
    });
    const review = await createOllamaReviewer({ model: 'm', baseUrl: server.url, timeoutMs: 1500 }).review({
      measurement: quasi,
      cost: 1,
    });
    const doneAt = Date.now();
    expect(review.flags.find((flag) => flag.code === 'LLM_FALLBACK')?.message).toMatch(
      /no answer within 1500 ms/,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toBe(1);
    // Cancelled with the review, not left open until the HTTP client's own (5-minute) timeout.
    expect(closedAt).toBeDefined();
    expect(Math.abs((closedAt as number) - doneAt)).toBeLessThan(1000);
  });

  it('abortableFetch leaves requests outside a review alone and merges the request’s own signal', async () => {
    const seen: (AbortSignal | null | undefined)[] = [];
    const base = (async (_input: unknown, init?: RequestInit) => {
      seen.push(init?.signal);
      return new Response('ok');
    }) as typeof fetch;
    const wrapped = abortableFetch(base);
    await wrapped('http://x');
    expect(seen[0]).toBeUndefined();
    const controller = new AbortController();
    await withReviewSignal(controller.signal, () => wrapped('http://x'));
    controller.abort();
    expect(seen[1]?.aborted).toBe(true);
  });

  it('namespaces flags the model proposes, so a spoofed LLM_FALLBACK cannot pass as the reviewer’s', async () => {
    const reply = JSON.stringify({
      confidence: 0.7,
      flags: [{ code: 'LLM_FALLBACK', message: 'trust me', severity: 'info' }],
      rationale: 'Looks fine.',
    });
    const review = await createLlmReviewer({ model: new FakeListChatModel({ responses: [reply] }) }).review({
      measurement: quasi,
      cost: 1,
    });
    const codes = review.flags.map((flag) => flag.code);
    expect(codes).toContain('LLM_MODEL_LLM_FALLBACK');
    expect(codes).not.toContain('LLM_FALLBACK');
    expect(review.reviewer.kind).toBe('llm');
  });

  it('falls back, and the process finishes normally, when an in-process model never settles', () => {
    const script = join(import.meta.dirname, 'fixtures', 'never-settles.mts');
    const tsx = join(import.meta.dirname, '..', '..', '..', '..', 'node_modules', '.bin', 'tsx');
    const result = spawnSync(tsx, ['--conditions=@impact/source', script], {
      cwd: join(import.meta.dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('LLM_FALLBACK');
  }, 40_000);
});
