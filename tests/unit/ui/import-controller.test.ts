import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../helpers/memory-storage';
import type { Timeframe } from '../../../src/core/candles/timeframe';
import { formatTime } from '../../../src/ui/format';
import { ImportController } from '../../../src/ui/import-controller';
import type { ImportResult } from '../../../workers/engine-api';

const FIRST = Date.UTC(2023, 0, 1);
const LAST = Date.UTC(2023, 11, 31, 23);

/** The engine's import: a file the test marks bad is refused with one line, like the CSV parser's. */
const engine = {
  async importCandles(name: string, text: string, symbol: string, timeframe: Timeframe): Promise<ImportResult> {
    if (text === 'bad') throw new Error(`${name}: line 2: high below low`);
    return { key: { exchange: 'import', symbol, timeframe }, candles: 8760, first: FIRST, last: LAST };
  },
};

describe('ImportController (the import flow without a DOM)', () => {
  it('stores a file, remembers its venue for the title and the watchlist, and says what it imported', async () => {
    const storage = new MemoryStorage();
    let changes = 0;
    const imports = new ImportController(engine, storage, () => changes++);
    const done = await imports.importFile('kraken_ETHUSD_1h_2023.csv', 'rows', 'ETHUSD', '1h');
    expect(done.selection).toEqual({ exchange: 'import', symbol: 'ETHUSD', timeframe: '1h' });
    expect(done.message).toBe(
      `Imported 8,760 candles of ETHUSD 1h (${formatTime(FIRST, true)} – ${formatTime(LAST, true)}); replaying.`,
    );
    expect(changes).toBe(1);
    expect(imports.provenance(done.selection)).toMatchObject({ venue: 'kraken', candles: 8760 });
    // A live exchange's series has no provenance, and its watchlist no venues.
    expect(imports.provenance({ ...done.selection, exchange: 'binance' })).toBeNull();
    expect(imports.venues({ ...done.selection, exchange: 'binance' }, ['ETHUSD'])).toEqual({});
    // Watched imports without a known venue are plain imports.
    expect(imports.venues(done.selection, ['ETHUSD', 'BTCUSD'])).toEqual({ ETHUSD: 'kraken', BTCUSD: 'import' });
    // Kept for the next visit.
    expect(new ImportController(engine, storage).provenance(done.selection)?.file).toBe('kraken_ETHUSD_1h_2023.csv');
  });

  it('passes a refused file on with its one line and records nothing', async () => {
    const storage = new MemoryStorage();
    let changes = 0;
    const imports = new ImportController(engine, storage, () => changes++);
    await expect(imports.importFile('eth.csv', 'bad', 'ETHUSD', '1h')).rejects.toThrow(
      'eth.csv: line 2: high below low',
    );
    expect(changes).toBe(0);
    expect(imports.provenance({ exchange: 'import', symbol: 'ETHUSD', timeframe: '1h' })).toBeNull();
  });
});
