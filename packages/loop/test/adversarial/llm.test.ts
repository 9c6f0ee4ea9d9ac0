import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectNothingHalfWritten, filePipeline, run, tmp } from './harness';

interface Loopback {
  url: string;
  closedConnections: () => number;
  close: () => Promise<void>;
}

/** A loopback HTTP server speaking just enough of Ollama's `/api/chat` (NDJSON) for the reviewer. */
async function ollama(answer: (response: ServerResponse) => void): Promise<Loopback> {
  let closed = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    response.on('close', () => {
      closed += 1;
    });
    request.on('end', () => answer(response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    closedConnections: () => closed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(content: string): (response: ServerResponse) => void {
  return (response) => {
    const line = (message: Record<string, unknown>, done: boolean) =>
      JSON.stringify({
        model: 'm',
        created_at: '2026-01-01T00:00:00Z',
        message: { role: 'assistant', ...message },
        done,
      });
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    response.end(`${line({ content }, false)}\n${line({ content: '' }, true)}\n`);
  };
}

const llmReview = (url: string, timeoutMs = 4000) => ({
  reviewer: 'llm',
  llm: {
    backend: 'ollama',
    model: 'm',
    base_url: url,
    timeout_ms: timeoutMs,
    max_retries: 0,
    max_tool_calls: 0,
  },
});

const answer = (confidence: number, code = 'SHORT_PILOT') =>
  JSON.stringify({
    confidence,
    flags: [{ code, message: 'from the model', severity: 'info' }],
    rationale: 'Checked.',
  });

let server: Loopback | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type LlmCase = [name: string, behaviour: (response: ServerResponse) => void, flag: RegExp];

const cases: LlmCase[] = [
  ['a spoofed LLM_FALLBACK is namespaced', reply(answer(0.8, 'LLM_FALLBACK')), /^LLM_MODEL_LLM_FALLBACK$/],
  ['an out-of-band confidence is clamped', reply(answer(7)), /^LLM_SCORE_CLAMPED$/],
  ['a malformed answer falls back', reply('I think it is pretty good!'), /^LLM_FALLBACK$/],
  ['an HTTP 500 falls back', (response) => response.writeHead(500).end('{"error":"boom"}'), /^LLM_FALLBACK$/],
  ['a connection reset falls back', (response) => response.socket?.destroy(), /^LLM_FALLBACK$/],
];

describe('adversarial: LLM reviewer', () => {
  it.each(cases)('%s, and the run completes', async (_name, behaviour, flag) => {
    server = await ollama(behaviour);
    const { dir, config } = filePipeline();
    const outDir = join(tmp(), 'out');
    await run(dir, { ...config, review: llmReview(server.url) }, outDir);
    const runFile = JSON.parse(readFileSync(join(outDir, 'run.json'), 'utf8')) as {
      initiatives: { review?: { flags: { code: string }[] } }[];
    };
    for (const initiative of runFile.initiatives) {
      expect(initiative.review?.flags.some((candidate) => flag.test(candidate.code))).toBe(true);
    }
    expectNothingHalfWritten(outDir);
  });

  it('the CLI finishes and exits promptly against a server that accepts and never answers', async () => {
    server = await ollama(() => {
      // Accept the request and never answer.
    });
    const { dir, config } = filePipeline();
    const pipeline = join(dir, 'pipeline.json');
    writeFileSync(pipeline, JSON.stringify({ ...config, review: llmReview(server.url, 500) }));
    const outDir = join(dir, 'out');
    const tsx = join(import.meta.dirname, '..', '..', '..', '..', 'node_modules', '.bin', 'tsx');
    const cli = join(import.meta.dirname, '..', '..', 'src', 'cli.ts');
    const child = spawn(
      tsx,
      ['--conditions=@impact/source', cli, 'run', pipeline, '--out', outDir, '--quiet'],
      {
        cwd: dir,
        stdio: 'ignore',
        detached: true,
      },
    );
    const code = await new Promise<number | null>((resolve) => {
      const guard = setTimeout(() => {
        process.kill(-(child.pid as number), 'SIGKILL');
        resolve(null);
      }, 45_000);
      child.once('exit', (status) => {
        clearTimeout(guard);
        resolve(status);
      });
    });
    expect(code, 'the CLI must exit by itself once its work is done').toBe(0);
    // Every review's request was cancelled, not left open.
    expect(server.closedConnections()).toBeGreaterThanOrEqual(3);
    const outcome = readFileSync(join(outDir, 'run.json'), 'utf8');
    expect(outcome).toContain('LLM_FALLBACK');
    expectNothingHalfWritten(outDir);
  }, 60_000);
});
