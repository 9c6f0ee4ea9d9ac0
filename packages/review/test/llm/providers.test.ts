import { describe, expect, it } from 'vitest';
import { ReviewError } from '../../src/errors';
import { createAgentReviewer } from '../../src/llm/llm-reviewer';
import { createOllamaReviewer, importProvider } from '../../src/llm/providers';
import { measurement } from '../helpers';

describe('optional provider loading', () => {
  it('throws REVIEW_PROVIDER_MISSING naming the package to install when it cannot be imported', async () => {
    const failure = importProvider('@langchain/not-installed-provider', 'Example');
    await expect(failure).rejects.toBeInstanceOf(ReviewError);
    await expect(failure).rejects.toMatchObject({ code: 'REVIEW_PROVIDER_MISSING' });
    await expect(failure).rejects.toThrow(/npm install @langchain\/not-installed-provider @langchain\/core/);
  });

  it('propagates a missing provider from review() instead of silently falling back', async () => {
    const reviewer = createAgentReviewer(
      () => importProvider('@langchain/not-installed-provider', 'Example'),
      { defaultName: 'example' },
    );
    await expect(reviewer.review({ measurement: measurement(), cost: 1 })).rejects.toMatchObject({
      code: 'REVIEW_PROVIDER_MISSING',
    });
  });

  it('constructs the provider model from an injected lib, lazily, once', async () => {
    const constructed: unknown[] = [];
    const { FakeListChatModel } = await import('@langchain/core/utils/testing');
    class FakeOllama extends FakeListChatModel {
      constructor(fields: { model: string; temperature?: number; baseUrl?: string }) {
        super({ responses: [JSON.stringify({ confidence: 0.9, flags: [], rationale: 'ok' })] });
        constructed.push(fields);
      }
    }
    const reviewer = createOllamaReviewer({
      model: 'm',
      baseUrl: 'http://127.0.0.1:1',
      temperature: 0.3,
      lib: { ChatOllama: FakeOllama },
    });
    expect(constructed).toEqual([]);
    await reviewer.review({ measurement: measurement(), cost: 1 });
    await reviewer.review({ measurement: measurement(), cost: 1 });
    expect(constructed).toEqual([
      { model: 'm', temperature: 0.3, baseUrl: 'http://127.0.0.1:1', fetch: expect.any(Function) },
    ]);
  });
});
