import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { toColumns } from '../../../src/core/candles/candle';
import { main } from '../../../src/cli/main';
import { computeFeatures } from '../../../src/core/features';
import { FEATURES, FEATURE_NAMES } from '../../../src/core/features/registry';
import { hasCandleData, loadCandles } from '../../helpers/data';

const dir = mkdtempSync(join(tmpdir(), 'candlecast-features-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasCandleData)('candlecast features', () => {
  const candles = loadCandles('binance_ETHUSDT_1h_2023-01_2024-01.csv', 1500);
  const input = join(dir, 'in.csv');
  writeFileSync(
    input,
    `time,open,high,low,close,volume\n${candles.map((c) => [c.time, c.open, c.high, c.low, c.close, c.volume].join(',')).join('\n')}\n`,
  );

  it('writes time then every registry feature in order, empty during warm-up; stream and batch files are identical', async () => {
    const outBatch = join(dir, 'batch.csv');
    const outStream = join(dir, 'stream.csv');
    expect(await main(['features', input, '--out', outBatch])).toBe(0);
    expect(await main(['features', input, '--out', outStream, '--mode', 'stream'])).toBe(0);
    const text = readFileSync(outBatch, 'utf8');
    expect(readFileSync(outStream, 'utf8')).toBe(text);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(['time', ...FEATURE_NAMES].join(','));
    expect(lines.length).toBe(candles.length + 1);
    const cols = computeFeatures(toColumns(candles));
    for (const i of [0, 13, 14, 33, 500, 1499]) {
      const cells = lines[i + 1]!.split(',');
      expect(Number(cells[0])).toBe(candles[i]!.time);
      for (let f = 0; f < FEATURES.length; f++) {
        const cell = cells[f + 1]!;
        if (i < FEATURES[f]!.warmup) expect(cell, `${FEATURES[f]!.name} row ${i}`).toBe('');
        else expect(Number(cell), `${FEATURES[f]!.name} row ${i}`).toBe(cols[f]![i]);
      }
    }
  });

  it('bad input: one line on stderr, exit code 2, nothing written', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'time,open,high,low,close,volume\n1000,1,2,0.5,1.5,3\n2000,1,0.5,2,1,1\n');
    const out = join(dir, 'never.csv');
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['features', bad, '--out', out])).toBe(2);
      expect(await main(['features', join(dir, 'missing.csv')])).toBe(2);
      expect(await main(['features', input, '--mode', 'fast'])).toBe(2);
      const lines = err.mock.calls.map((c) => String(c[0]));
      expect(lines.length).toBe(3);
      for (const l of lines) expect(l.trimEnd().split('\n').length).toBe(1);
      expect(existsSync(out)).toBe(false);
    } finally {
      err.mockRestore();
    }
  });
});
