import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main';
import { toColumns } from '../../../src/core/candles/candle';
import { loadPatternCnnFromDir } from '../../../src/core/models/pattern-cnn-node';
import { PATTERN_NAMES } from '../../../src/core/patterns/names';
import { detectPatterns } from '../../../src/core/patterns/rules';
import { buildWindows } from '../../../src/core/patterns/window';
import { formatCandlesCsv } from '../../../src/feeds/csv';
import { simulatedCandles } from '../../helpers/synthetic';

const dir = mkdtempSync(join(tmpdir(), 'candlecast-patterns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(argv), stderr };
  } finally {
    spy.mockRestore();
  }
}

function readCsv(path: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

describe('candlecast patterns', () => {
  const candles = simulatedCandles(300, 21);
  const input = join(dir, 'in.csv');
  writeFileSync(input, formatCandlesCsv(candles));

  it('writes time, rule_<pattern> (0/1) and cnn_<pattern> (probability) for the 15 patterns', async () => {
    const out = join(dir, 'out.csv');
    const { code } = await run(['patterns', input, '--out', out]);
    expect(code).toBe(0);
    const { header, rows } = readCsv(out);
    expect(header).toEqual(['time', ...PATTERN_NAMES.map((p) => `rule_${p}`), ...PATTERN_NAMES.map((p) => `cnn_${p}`)]);
    expect(rows).toHaveLength(candles.length);

    const cols = toColumns(candles);
    const rules = detectPatterns(cols);
    const cnn = await loadPatternCnnFromDir();
    const ends = [19, 150, 299];
    const probs = await cnn.predict(buildWindows(cols, ends), ends.length);
    cnn.dispose();
    rows.forEach((row, i) => {
      expect(Number(row[0])).toBe(candles[i]!.time);
      PATTERN_NAMES.forEach((p, j) => expect(row[1 + j]).toBe(rules[p][i] ? '1' : '0'));
      const cnnCells = row.slice(1 + PATTERN_NAMES.length);
      if (i < 19) expect(cnnCells.every((c) => c === '')).toBe(true);
      else expect(cnnCells.every((c) => Number(c) >= 0 && Number(c) <= 1 && c !== '')).toBe(true);
    });
    ends.forEach((e, k) => {
      PATTERN_NAMES.forEach((_, j) => {
        expect(Number(rows[e]![1 + PATTERN_NAMES.length + j])).toBeCloseTo(probs[k * PATTERN_NAMES.length + j]!, 5);
      });
    });
    expect(rows.some((r) => r.slice(1, 1 + PATTERN_NAMES.length).includes('1'))).toBe(true);
  });

  it('still writes the rule columns when the CNN cannot be loaded, and says why', async () => {
    const out = join(dir, 'out-no-model.csv');
    const { code, stderr } = await run(['patterns', input, '--out', out, '--model', join(dir, 'missing')]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^candlecast patterns: pattern CNN not loaded: .*model\.json: no such file\n$/);
    const { rows } = readCsv(out);
    expect(rows).toHaveLength(candles.length);
    expect(rows.every((r) => r.slice(1 + PATTERN_NAMES.length).every((c) => c === ''))).toBe(true);
  });

  it('rejects bad input with one line and exit code 2, writing nothing', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'time,open,high,low,close,volume\n1,2,1,3,2,5\n');
    const out = join(dir, 'never.csv');
    const { code, stderr } = await run(['patterns', bad, '--out', out]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('bad.csv');
    expect(() => readFileSync(out)).toThrow();
  });
});
