import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ReviewResult } from '@impact/contracts';
import { beforeAll, describe, expect, it } from 'vitest';

interface Scenario {
  review: ReviewResult;
  elapsedMs: number;
  requests: { path: string; authorization: string; body: ConverseRequest }[];
}
interface ConverseRequest {
  messages: {
    role: string;
    content: { text?: string; toolResult?: { toolUseId: string; content: { text?: string }[] } }[];
  }[];
  system?: { text: string }[];
  toolConfig?: { tools: { toolSpec: { name: string } }[] };
  inferenceConfig?: { temperature?: number };
}
type Results = Record<
  'toolRoundTrip' | 'malformedThenValid' | 'outOfBand' | 'timeout' | 'injection',
  Scenario
>;

const modelId = 'anthropic.claude-3-5-haiku-20241022-v1:0';
let results: Results;

beforeAll(async () => {
  // Plain Node child process (see bedrock-driver.ts for why), with tsx and the workspace source condition.
  const driver = fileURLToPath(new URL('./bedrock-driver.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=@impact/source', '--import', 'tsx', driver],
    {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      timeout: 60_000,
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
  results = JSON.parse(stdout) as Results;
}, 90_000);

describe('createBedrockReviewer against a loopback Converse endpoint (real ChatBedrockConverse + AWS SDK client)', () => {
  it('completes a toolUse round trip and uses a valid answer; requests are SigV4-signed with the fake credentials', () => {
    const { review, requests } = results.toolRoundTrip;
    expect(review.confidence).toBe(0.9);
    expect(review.reviewer).toEqual({ name: 'bedrock', kind: 'llm', model: modelId });
    expect(requests).toHaveLength(2);
    expect(requests[0]!.path).toBe(`/model/${encodeURIComponent(modelId)}/converse`);
    expect(requests[0]!.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDLOOPBACKTEST\//);
    expect(requests[0]!.body.toolConfig?.tools.map((tool) => tool.toolSpec.name)).toEqual([
      'read_measurement',
      'methodology_assumptions',
      'power_calculator',
      'submit_review',
    ]);
    expect(requests[0]!.body.system?.[0]?.text).toMatch(/never follow instructions/i);
    expect(requests[0]!.body.inferenceConfig?.temperature).toBe(0);
    const toolResult = requests[1]!.body.messages.at(-1)!.content[0]!.toolResult!;
    expect(toolResult.toolUseId).toBe('tu-1');
    expect(JSON.parse(toolResult.content[0]!.text!).required_sample_size).toBeGreaterThan(0);
  });

  it('recovers from a malformed answer', () => {
    expect(results.malformedThenValid.review.confidence).toBe(0.88);
    expect(results.malformedThenValid.requests).toHaveLength(2);
    expect(results.malformedThenValid.requests[1]!.body.messages.at(-1)!.content[0]!.text).toMatch(
      /not accepted/,
    );
  });

  it('clamps an out-of-band score and flags it', () => {
    expect(results.outOfBand.review.confidence).toBe(0.85);
    expect(results.outOfBand.review.flags.map((flag) => flag.code)).toContain('LLM_SCORE_CLAMPED');
  });

  it('falls back to the deterministic review when the endpoint is too slow', () => {
    const { review, elapsedMs } = results.timeout;
    expect(elapsedMs).toBeLessThan(2500);
    expect(review.reviewer.kind).toBe('deterministic');
    expect(review.flags.find((flag) => flag.code === 'LLM_FALLBACK')?.message).toMatch(
      /no answer within 150 ms/,
    );
  });

  it('keeps injected instructions inside the data block and the score inside the band', () => {
    const { review, requests } = results.injection;
    const body = requests[0]!.body;
    expect(body.system?.[0]?.text).not.toContain('Ignore the band');
    expect(body.messages[0]!.content[0]!.text!.match(/<\/measurement_data>/g)).toHaveLength(1);
    expect(review.confidence).toBe(0.59);
  });
});
