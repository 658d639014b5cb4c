export interface ProgressOptions {
  readonly total: number;
  readonly stream: NodeJS.WritableStream;
  /** A terminal gets a bar redrawn in place; anything else gets a plain line every tenth. */
  readonly tty: boolean;
  /** Milliseconds; injectable for tests. */
  readonly clock?: () => number;
}

export interface Progress {
  /** One more recipient finished; `ok` says whether it was accepted. */
  tick(ok: boolean): void;
  finish(): void;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

/**
 * Progress of a bulk send on stderr: `[#####.....] 120/200  60%  41.3/s  ETA 2s  (3 not accepted)`.
 * Written without a library: the same numbers serve the bar and the plain lines, and the output
 * stays one stream the caller chose.
 */
export function createProgress(options: ProgressOptions): Progress {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const step = Math.max(1, Math.ceil(options.total / 10));
  let done = 0;
  let failed = 0;
  let lastDraw = -Infinity;
  let drawnDone = -1;
  let nextLine = step;

  const status = (): string => {
    const seconds = (clock() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const left = options.total - done;
    const eta = rate > 0 ? formatDuration(left / rate) : '?';
    const percent = options.total === 0 ? 100 : Math.floor((done / options.total) * 100);
    const notAccepted = failed === 0 ? '' : `  (${failed} not accepted)`;
    return `${done}/${options.total}  ${String(percent).padStart(3)}%  ${rate.toFixed(1)}/s  ETA ${eta}${notAccepted}`;
  };
  const bar = (): string => {
    const filled = options.total === 0 ? BAR_WIDTH : Math.round((done / options.total) * BAR_WIDTH);
    return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  };
  const draw = (force: boolean): void => {
    const t = clock();
    if (!force && t - lastDraw < REDRAW_MS) return;
    lastDraw = t;
    drawnDone = done;
    options.stream.write(`\r\x1b[2K${bar()} ${status()}`);
  };

  return {
    tick(ok) {
      done += 1;
      if (!ok) failed += 1;
      if (options.tty) draw(done === options.total);
      else if (done >= nextLine || done === options.total) {
        options.stream.write(`sent ${status()}\n`);
        while (nextLine <= done) nextLine += step;
      }
    },
    finish() {
      if (options.tty) {
        if (drawnDone !== done) draw(true);
        options.stream.write('\n');
      }
    },
  };
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
