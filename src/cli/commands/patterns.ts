import { toColumns } from '../../core/candles/candle';
import { PatternCnnLoadError, type PatternCnn } from '../../core/models/pattern-cnn';
import { DEFAULT_MODEL_DIR, loadPatternCnnFromDir } from '../../core/models/pattern-cnn-node';
import { PATTERN_NAMES } from '../../core/patterns/names';
import { detectPatterns } from '../../core/patterns/rules';
import { WINDOW_LENGTH, WINDOW_SIZE, writeWindow } from '../../core/patterns/window';
import { parseArgs, requireOne } from '../args';
import { loadShippedCnn } from '../models';
import { csvNumber, readCandlesFile, writeOutput } from '../io';
import type { Command } from './index';

const CHUNK = 2048;

/** CNN probabilities `[n, 15]` for every candle with a full window before it; NaN (empty) for the first 19. */
async function cnnProbabilities(cnn: PatternCnn, cols: ReturnType<typeof toColumns>): Promise<Float32Array> {
  const n = cols.close.length;
  const k = PATTERN_NAMES.length;
  const out = new Float32Array(n * k).fill(NaN);
  const windows = new Float32Array(CHUNK * WINDOW_SIZE);
  for (let start = WINDOW_LENGTH - 1; start < n; start += CHUNK) {
    const b = Math.min(CHUNK, n - start);
    for (let r = 0; r < b; r++) writeWindow(cols, start + r, windows, r * WINDOW_SIZE);
    out.set(await cnn.predict(windows.subarray(0, b * WINDOW_SIZE), b), start * k);
  }
  return out;
}

/**
 * `candlecast patterns <csv> [--out F] [--model DIR]`: `time`, then `rule_<pattern>` (0/1, the rule
 * detectors) and `cnn_<pattern>` (the pattern CNN's probability; empty for the first 19 candles, which
 * have no full window) for the 15 patterns. When the CNN cannot be loaded, the rule columns are still
 * written, the cnn columns stay empty and stderr says "pattern CNN not loaded: <reason>".
 */
export const patternsCommand: Command = {
  summary: 'rule detections and pattern-CNN probabilities per candle (CSV)',
  async run(argv) {
    const args = parseArgs(argv, ['out', 'model']);
    const file = requireOne(args, 'candle CSV file');
    const cols = toColumns(readCandlesFile(file));
    const rules = detectPatterns(cols);
    const n = cols.close.length;
    const k = PATTERN_NAMES.length;
    let probs: Float32Array;
    try {
      // The shipped model is checked against its manifest checksums; a --model folder is loaded as it is.
      const dir = args.options.get('model');
      const cnn = await (dir === undefined || dir === DEFAULT_MODEL_DIR
        ? loadShippedCnn()
        : loadPatternCnnFromDir(dir));
      try {
        probs = await cnnProbabilities(cnn, cols);
      } finally {
        cnn.dispose();
      }
    } catch (err) {
      if (!(err instanceof PatternCnnLoadError)) throw err;
      process.stderr.write(`candlecast patterns: pattern CNN not loaded: ${err.message}\n`);
      probs = new Float32Array(n * k).fill(NaN);
    }
    const header = ['time', ...PATTERN_NAMES.map((p) => `rule_${p}`), ...PATTERN_NAMES.map((p) => `cnn_${p}`)];
    const lines = [header.join(',')];
    for (let i = 0; i < n; i++) {
      const row: string[] = [csvNumber(cols.time[i])];
      for (const p of PATTERN_NAMES) row.push(rules[p][i] ? '1' : '0');
      for (let j = 0; j < k; j++) {
        const v = probs[i * k + j]!;
        row.push(Number.isFinite(v) ? csvNumber(Number(v.toFixed(6))) : '');
      }
      lines.push(row.join(','));
    }
    writeOutput(`${lines.join('\n')}\n`, args.options.get('out'));
  },
};
