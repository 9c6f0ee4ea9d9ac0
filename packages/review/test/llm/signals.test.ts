import { describe, expect, it } from 'vitest';
import { raceWithSignal } from '../../src/llm/agent';
import { anySignal } from '../../src/llm/signals';

describe('anySignal', () => {
  it('aborts with the reason of the first signal that aborts', () => {
    const first = new AbortController();
    const second = new AbortController();
    const combined = anySignal([first.signal, second.signal]);
    expect(combined.aborted).toBe(false);
    second.abort(new Error('second'));
    expect(combined.aborted).toBe(true);
    expect((combined.reason as Error).message).toBe('second');
  });
});

describe('raceWithSignal', () => {
  it('rejects with the abort reason even when the promise never settles', async () => {
    const controller = new AbortController();
    const pending = raceWithSignal(new Promise(() => {}), controller.signal);
    controller.abort(new Error('timed out'));
    await expect(pending).rejects.toThrow('timed out');
  });

  it('resolves with the value when the promise settles first', async () => {
    await expect(raceWithSignal(Promise.resolve(3), new AbortController().signal)).resolves.toBe(3);
  });
});
