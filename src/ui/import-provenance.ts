import type { Timeframe } from '../core/candles/timeframe';
import { guessFromFileName } from './import-name';

/**
 * Where imported candles came from. Imports are always stored under the "import" exchange (never as a live
 * exchange's cache); the venue a file names (`{exchange}_{SYMBOL}_{interval}_…`) is kept here as provenance,
 * beside the stored series, and shown wherever the import appears (chart title, watchlist).
 */
export interface ImportProvenance {
  /** The venue the file names, or "import" when its name does not say. */
  venue: string;
  file: string;
  candles: number;
  /** Open times of the first and last candle, epoch ms. */
  first: number;
  last: number;
}

/** localStorage key of the provenance of every imported series. */
export const IMPORTS_KEY = 'candlecast.imports';

/** The venue a file name gives, or "import". */
export function venueOf(fileName: string): string {
  return guessFromFileName(fileName).exchange ?? 'import';
}

type KeyValue = Pick<Storage, 'getItem' | 'setItem'>;

const id = (symbol: string, timeframe: Timeframe) => `${symbol.toUpperCase()}/${timeframe}`;

function isProvenance(v: unknown): v is ImportProvenance {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return (
    typeof p['venue'] === 'string' &&
    typeof p['file'] === 'string' &&
    typeof p['candles'] === 'number' &&
    typeof p['first'] === 'number' &&
    typeof p['last'] === 'number'
  );
}

/** The provenance of imported series, by symbol and timeframe (a later import of the same series replaces it). */
export class ImportProvenances {
  private byId: Record<string, ImportProvenance>;

  constructor(private readonly storage: KeyValue) {
    this.byId = ImportProvenances.read(storage.getItem(IMPORTS_KEY));
  }

  private static read(raw: string | null): Record<string, ImportProvenance> {
    try {
      const v: unknown = JSON.parse(raw ?? '{}');
      if (typeof v !== 'object' || v === null) return {};
      return Object.fromEntries(Object.entries(v).filter(([, p]) => isProvenance(p))) as Record<
        string,
        ImportProvenance
      >;
    } catch {
      return {};
    }
  }

  get(symbol: string, timeframe: Timeframe): ImportProvenance | null {
    return this.byId[id(symbol, timeframe)] ?? null;
  }

  record(symbol: string, timeframe: Timeframe, p: ImportProvenance): void {
    this.byId = { ...this.byId, [id(symbol, timeframe)]: p };
    try {
      this.storage.setItem(IMPORTS_KEY, JSON.stringify(this.byId));
    } catch {
      // Storage full or denied: the provenance holds for this visit.
    }
  }
}
