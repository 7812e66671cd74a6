import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../helpers/memory-storage';
import { IMPORTS_KEY, ImportProvenances, venueOf } from '../../../src/ui/import-provenance';

const KRAKEN = { venue: 'kraken', file: 'kraken_ETHUSD_1h_2023.csv', candles: 300, first: 1, last: 2 };

describe('import provenance', () => {
  it('takes the venue from an {exchange}_ prefix, else "import"', () => {
    expect(venueOf('kraken_ETHUSD_1h_2023-01_2024-01.csv')).toBe('kraken');
    expect(venueOf('ETHUSDT-1m-2023.csv')).toBe('import');
    expect(venueOf('prices.csv')).toBe('import');
  });

  it('keeps each series’ provenance across visits; a re-import replaces it', () => {
    const storage = new MemoryStorage();
    const a = new ImportProvenances(storage);
    expect(a.get('ETHUSD', '1h')).toBeNull();
    a.record('ethusd', '1h', KRAKEN);
    expect(a.get('ETHUSD', '1h')).toEqual(KRAKEN);
    expect(a.get('ETHUSD', '1m')).toBeNull();
    const b = new ImportProvenances(storage);
    expect(b.get('ETHUSD', '1h')?.venue).toBe('kraken');
    b.record('ETHUSD', '1h', { ...KRAKEN, venue: 'import', file: 'eth.csv' });
    expect(new ImportProvenances(storage).get('ETHUSD', '1h')?.file).toBe('eth.csv');
  });

  it('ignores unreadable or malformed saved data', () => {
    const storage = new MemoryStorage();
    storage.setItem(IMPORTS_KEY, '{not json');
    expect(new ImportProvenances(storage).get('ETHUSD', '1h')).toBeNull();
    storage.setItem(IMPORTS_KEY, JSON.stringify({ 'ETHUSD/1h': { venue: 3 }, 'BTC/1m': KRAKEN }));
    const p = new ImportProvenances(storage);
    expect(p.get('ETHUSD', '1h')).toBeNull();
    expect(p.get('BTC', '1m')).toEqual(KRAKEN);
  });
});
