import { describe, expect, it } from 'vitest';
import { ProgressDisplay } from '../../src/cli/progress';

describe('ProgressDisplay', () => {
  it('tracks each initiative and stage', () => {
    const display = new ProgressDisplay({ write: () => undefined, isTTY: true });
    display.update({ type: 'run-start', initiatives: ['alpha', 'beta'] });
    display.update({
      type: 'stage-end',
      stage: 'simulate',
      initiativeId: 'alpha',
      phase: 'pilot',
      durationMs: 1,
    });
    display.update({ type: 'stage-start', stage: 'measure', initiativeId: 'alpha', phase: 'pilot' });
    display.update({
      type: 'stage-error',
      stage: 'measure',
      initiativeId: 'beta',
      phase: 'pilot',
      message: 'x',
    });
    display.update({ type: 'stage-end', stage: 'allocate', durationMs: 1 });
    expect(display.render()).toEqual([
      'initiative  sim    pilot  review sim    scale ',
      'alpha       ✓      …      ·      ·      ·     ',
      'beta        ·      ✗      ·      ·      ·     ',
      'allocate ✓   report ·',
    ]);
  });

  it('redraws in place on a TTY and writes nothing elsewhere', () => {
    let tty = '';
    const display = new ProgressDisplay({ write: (text: string) => (tty += text), isTTY: true });
    display.update({ type: 'run-start', initiatives: ['a'] });
    display.update({ type: 'stage-start', stage: 'report' });
    expect(tty).toContain('\x1b[3A');
    let pipe = '';
    const quiet = new ProgressDisplay({ write: (text: string) => (pipe += text) });
    quiet.update({ type: 'run-start', initiatives: ['a'] });
    expect(pipe).toBe('');
  });
});
