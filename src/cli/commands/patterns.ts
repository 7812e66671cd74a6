import { PatternCnnLoadError, type PatternCnn } from '../../core/models/pattern-cnn';
import { DEFAULT_MODEL_DIR, loadPatternCnnFromDir } from '../../core/models/pattern-cnn-node';
import { PATTERN_NAMES } from '../../core/patterns/names';
import { detectPatterns } from '../../core/patterns/rules';
import { WINDOW_LENGTH, WINDOW_SIZE, writeWindow } from '../../core/patterns/window';
import { parseArgs, requireOne } from '../args';
import { loadShippedCnn } from '../models';
import type { Command } from '../command';
import { formatOf, openTable, progress, readCandleColumns, resolveOutput, withOutput } from '../io';
import { BLOCK_ROWS } from '../table';

const CHUNK = 2048;
const K = PATTERN_NAMES.length;

/**
 * CNN probabilities of rows `start` to `start + rows - 1` into `out` (`[rows, 15]`), rounded to 6 decimals as
 * written; NaN (empty) for the first 19 candles of the series, which have no full window.
 */
async function cnnProbabilities(
  cnn: PatternCnn,
  cols: Parameters<typeof writeWindow>[0],
  start: number,
  rows: number,
  out: Float64Array,
): Promise<void> {
  out.fill(NaN);
  const windows = new Float32Array(CHUNK * WINDOW_SIZE);
  const first = Math.max(start, WINDOW_LENGTH - 1);
  for (let from = first; from < start + rows; from += CHUNK) {
    const b = Math.min(CHUNK, start + rows - from);
    for (let r = 0; r < b; r++) writeWindow(cols, from + r, windows, r * WINDOW_SIZE);
    const p = await cnn.predict(windows.subarray(0, b * WINDOW_SIZE), b);
    for (let i = 0; i < b * K; i++) out[(from - start) * K + i] = Number(p[i]!.toFixed(6));
  }
}

async function loadCnn(dir: string): Promise<PatternCnn | null> {
  try {
    // The shipped model is checked against its manifest checksums; a --model folder is loaded as it is.
    return await (dir === DEFAULT_MODEL_DIR ? loadShippedCnn() : loadPatternCnnFromDir(dir));
  } catch (err) {
    if (!(err instanceof PatternCnnLoadError)) throw err;
    process.stderr.write(`candlecast patterns: pattern CNN not loaded: ${err.message}\n`);
    return null;
  }
}

/**
 * `candlecast patterns <csv|parquet> [--out F] [--model DIR] [--quiet]`: `time`, then `rule_<pattern>` (0/1,
 * the rule detectors) and `cnn_<pattern>` (the pattern CNN's probability; empty for the first 19 candles, which
 * have no full window) for the 15 patterns, written block by block. When the CNN cannot be loaded, the rule
 * columns are still written, the cnn columns stay empty and stderr says "pattern CNN not loaded: <reason>".
 */
export const patternsCommand: Command = {
  async run(argv) {
    const args = parseArgs(argv, ['out', 'model'], ['quiet']);
    const file = requireOne(args, 'candle file');
    const out = args.options.get('out');
    resolveOutput(out, [file]);
    const cols = await readCandleColumns(file);
    const rules = detectPatterns(cols);
    const n = cols.close.length;
    const cnn = await loadCnn(args.options.get('model') ?? DEFAULT_MODEL_DIR);
    const header = ['time', ...PATTERN_NAMES.map((p) => `rule_${p}`), ...PATTERN_NAMES.map((p) => `cnn_${p}`)];
    try {
      await withOutput(out, [file], async (sink) => {
        const table = openTable(sink, header, formatOf(out));
        const bar = progress('patterns', n, args.flags.has('quiet'));
        const probs = new Float64Array(BLOCK_ROWS * K);
        const time = new Float64Array(BLOCK_ROWS);
        const blockCols = header.map(() => new Float64Array(BLOCK_ROWS));
        try {
          for (let start = 0; start < n; start += BLOCK_ROWS) {
            const rows = Math.min(BLOCK_ROWS, n - start);
            if (cnn) await cnnProbabilities(cnn, cols, start, rows, probs);
            else probs.fill(NaN);
            time.set(cols.time.subarray(start, start + rows));
            blockCols[0] = time;
            PATTERN_NAMES.forEach((p, j) => {
              const rule = rules[p];
              const cnnCol = blockCols[1 + K + j]!;
              const ruleCol = blockCols[1 + j]!;
              for (let r = 0; r < rows; r++) {
                ruleCol[r] = rule[start + r] ? 1 : 0;
                cnnCol[r] = probs[r * K + j]!;
              }
            });
            await table.write(blockCols, 0, rows);
            bar.update(start + rows);
          }
          await table.finish();
        } finally {
          bar.stop();
        }
      });
    } finally {
      cnn?.dispose();
    }
  },
};
