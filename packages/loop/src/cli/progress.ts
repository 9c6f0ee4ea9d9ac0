import type { LoopEvent } from '../run/events';

/** Where the progress display writes (a TTY stream in the CLI). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

type Cell = 'waiting' | 'running' | 'done' | 'failed';
const SYMBOL: Record<Cell, string> = { waiting: '·', running: '…', done: '✓', failed: '✗' };
const COLUMNS = ['simulate:pilot', 'measure:pilot', 'review', 'simulate:scale', 'measure:scale'] as const;
const HEADINGS = ['sim', 'pilot', 'review', 'sim', 'scale'];

/**
 * A live per-initiative, per-stage progress table for a TTY: each event redraws the table in place
 * (ANSI cursor movement). On anything else it prints nothing, so logs and pipes stay clean.
 *
 * @example
 * ```ts
 * const progress = new ProgressDisplay(process.stderr);
 * await runLoop({ configPath, outDir, onEvent: (event) => progress.update(event) });
 * ```
 */
export class ProgressDisplay {
  private readonly cells = new Map<string, Map<string, Cell>>();
  private order: string[] = [];
  private allocate: Cell = 'waiting';
  private report: Cell = 'waiting';
  private drawnLines = 0;

  constructor(private readonly stream: ProgressStream) {}

  /** Whether the display draws anything (only on a TTY). */
  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  /** Apply one event and redraw. */
  update(event: LoopEvent): void {
    switch (event.type) {
      case 'run-start':
        this.order = event.initiatives;
        for (const id of event.initiatives) this.cells.set(id, new Map());
        break;
      case 'stage-start':
      case 'stage-end':
      case 'stage-error': {
        const state: Cell =
          event.type === 'stage-start' ? 'running' : event.type === 'stage-end' ? 'done' : 'failed';
        if (event.stage === 'allocate') this.allocate = state;
        else if (event.stage === 'report') this.report = state;
        else if (event.initiativeId !== undefined) {
          const key = event.phase === undefined ? event.stage : `${event.stage}:${event.phase}`;
          this.cells.get(event.initiativeId)?.set(key, state);
        }
        break;
      }
      case 'run-end':
        break;
    }
    if (this.enabled) this.draw();
  }

  /** The table as lines (what {@link update} draws). */
  render(): string[] {
    const width = Math.max(10, ...this.order.map((id) => id.length));
    const lines = [`${'initiative'.padEnd(width)}  ${HEADINGS.map((h) => h.padEnd(6)).join(' ')}`];
    for (const id of this.order) {
      const cells = this.cells.get(id) ?? new Map<string, Cell>();
      lines.push(
        `${id.padEnd(width)}  ${COLUMNS.map((column) => SYMBOL[cells.get(column) ?? 'waiting'].padEnd(6)).join(' ')}`,
      );
    }
    lines.push(`allocate ${SYMBOL[this.allocate]}   report ${SYMBOL[this.report]}`);
    return lines;
  }

  private draw(): void {
    const lines = this.render();
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A` : '';
    this.stream.write(`${up}${lines.map((line) => `\x1b[2K${line}`).join('\n')}\n`);
    this.drawnLines = lines.length;
  }
}
