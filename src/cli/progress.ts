import { SingleBar, Presets } from 'cli-progress';

/** A progress report: `update(done)` as work advances, `stop()` at the end (or on failure). */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

const SILENT: Progress = { update() {}, stop() {} };
/** A bar appears only for runs that last longer than this. */
const SHOW_AFTER_MS = 1000;

/**
 * A cli-progress bar on stderr for `total` units of work, shown once the run has lasted a second, and only
 * when stderr is a terminal and `--quiet` was not given; silent otherwise.
 */
export function progress(label: string, total: number, quiet: boolean): Progress {
  if (quiet || !process.stderr.isTTY || total <= 0) return SILENT;
  const started = Date.now();
  let bar: SingleBar | null = null;
  return {
    update(done) {
      if (bar === null) {
        if (Date.now() - started < SHOW_AFTER_MS) return;
        bar = new SingleBar(
          {
            stream: process.stderr,
            format: `${label} [{bar}] {percentage}% | {value}/{total} rows | eta {eta}s`,
            hideCursor: true,
          },
          Presets.shades_classic,
        );
        bar.start(total, done);
      } else bar.update(done);
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
