import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readlinkSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CliError } from './errors';

/**
 * Where `--out` points, decided before anything is computed: stdout (`-` or no --out), a regular file (written
 * to a temporary file beside it, then renamed over it), or an existing pipe / device (written into, never
 * replaced). A symlink is followed: its target is what gets replaced.
 */
export type OutputTarget =
  { kind: 'stdout' } | { kind: 'file'; path: string; name: string } | { kind: 'special'; path: string; name: string };

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** The path a chain of symlinks ends at (which may not exist yet). */
function followLinks(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let link: Stats;
    try {
      link = lstatSync(current);
    } catch {
      return current;
    }
    if (!link.isSymbolicLink()) return current;
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw new CliError(`${path}: too many levels of symbolic links`);
}

/**
 * Resolves `--out` against the inputs: an output that is one of the inputs (same file after following links,
 * hard links included) is refused with exit 2 and nothing touched.
 */
export function resolveOutput(out: string | undefined, inputs: readonly string[]): OutputTarget {
  if (out === undefined || out === '-') return { kind: 'stdout' };
  const path = followLinks(out);
  const stats = statOrNull(path);
  if (stats) {
    for (const input of inputs) {
      const s = statOrNull(input);
      if (s && s.dev === stats.dev && s.ino === stats.ino) {
        throw new CliError(`--out ${out} is the input file ${input}; refusing to overwrite it`);
      }
    }
    if (stats.isDirectory()) throw new CliError(`--out ${out} is a directory`);
    if (!stats.isFile()) return { kind: 'special', path, name: out };
  }
  return { kind: 'file', path, name: out };
}

/** Temporary files not yet renamed into place: removed on exit, on SIGINT / SIGTERM and on errors. */
const pendingTemps = new Set<string>();

function removeTemp(path: string): void {
  pendingTemps.delete(path);
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function onSignal(signal: NodeJS.Signals): void {
  for (const tmp of [...pendingTemps]) removeTemp(tmp);
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

function watchSignals(on: boolean): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.off(signal, onSignal);
    if (on) process.on(signal, onSignal);
  }
}

process.on('exit', () => {
  for (const tmp of [...pendingTemps]) removeTemp(tmp);
});

/** Thrown (and caught by main) when the reader of stdout or of a pipe went away: the command ends quietly. */
export class ClosedOutput extends Error {
  constructor() {
    super('output closed by its reader');
    this.name = 'ClosedOutput';
  }
}

function isClosedPipe(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'EPIPE';
}

/**
 * Bytes on their way to an OutputTarget. `write` is synchronous for files and pipes opened here; for stdout it
 * queues, and `drain()` waits until the queue is taken. `commit()` makes the output final (rename of the
 * temporary file); `abort()` removes what was written to a temporary file. Exactly one of them ends it.
 */
export class OutputSink {
  private fd: number | null = null;
  private tmp: string | null = null;
  private done = false;
  /** Bytes written so far. */
  bytes = 0;

  constructor(readonly target: OutputTarget) {
    try {
      if (target.kind === 'file') {
        this.tmp = join(
          dirname(target.path),
          `.${basename(target.path)}.tmp-${process.pid}-${Date.now().toString(36)}`,
        );
        pendingTemps.add(this.tmp);
        watchSignals(true);
        this.fd = openSync(this.tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
      } else if (target.kind === 'special') {
        this.fd = openSync(target.path, 'w');
      }
    } catch (err) {
      this.abort();
      throw new CliError(`${target.kind === 'stdout' ? 'stdout' : target.name}: cannot write (${errorCode(err)})`);
    }
  }

  write(data: string | Uint8Array): void {
    // a chunk that comes back from a table thread after the output was abandoned goes nowhere (not to stdout)
    if (this.done) throw new Error(`${this.name()}: written after the output was ended`);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.bytes += bytes.byteLength;
    if (this.fd === null) {
      process.stdout.write(bytes);
      return;
    }
    try {
      let off = 0;
      while (off < bytes.byteLength) off += writeSync(this.fd, bytes, off, bytes.byteLength - off);
    } catch (err) {
      if (isClosedPipe(err)) throw new ClosedOutput();
      throw new CliError(`${this.name()}: cannot write (${errorCode(err)})`);
    }
  }

  /**
   * Waits while stdout holds more than its buffer (files and pipes are written synchronously), and lets the event
   * loop run once, so a SIGINT / SIGTERM between two blocks is handled (temporary file removed) at once.
   */
  async drain(): Promise<void> {
    if (this.fd === null && process.stdout.writableNeedDrain) {
      await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Makes the output final: the temporary file renamed over the target, a pipe closed. */
  commit(): void {
    if (this.done) return;
    this.done = true;
    if (this.fd === null) return;
    try {
      if (this.tmp !== null && fstatSync(this.fd).isFile()) {
        closeSync(this.fd);
        this.fd = null;
        renameSync(this.tmp, (this.target as { path: string }).path);
        pendingTemps.delete(this.tmp);
        this.tmp = null;
      } else {
        closeSync(this.fd);
        this.fd = null;
      }
    } catch (err) {
      this.done = false;
      this.abort();
      throw new CliError(`${this.name()}: cannot write (${errorCode(err)})`);
    } finally {
      if (pendingTemps.size === 0) watchSignals(false);
    }
  }

  abort(): void {
    this.done = true;
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // closing is best effort here
      }
      this.fd = null;
    }
    if (this.tmp !== null) removeTemp(this.tmp);
    this.tmp = null;
    if (pendingTemps.size === 0) watchSignals(false);
  }

  private name(): string {
    return this.target.kind === 'stdout' ? 'stdout' : this.target.name;
  }
}

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message.split('\n')[0]! : String(err));
}

/** Writes `text` to `out` (see withOutput) in one go: for small outputs such as the insights JSON. */
export function writeOutput(text: string, out: string | undefined, inputs: readonly string[] = []): void {
  const sink = new OutputSink(resolveOutput(out, inputs));
  try {
    sink.write(text);
    sink.commit();
  } catch (err) {
    sink.abort();
    throw err;
  }
}

/** Runs `body` with a sink on `out`; commits when it returns, removes the temporary file when it throws. */
export async function withOutput<T>(
  out: string | undefined,
  inputs: readonly string[],
  body: (sink: OutputSink) => Promise<T>,
): Promise<T> {
  const sink = new OutputSink(resolveOutput(out, inputs));
  try {
    const result = await body(sink);
    await sink.drain();
    sink.commit();
    return result;
  } catch (err) {
    sink.abort();
    throw err;
  }
}
