import { IMPORT_EXCHANGE } from '../core/candles/series-key';
import type { Timeframe } from '../core/candles/timeframe';
import type { EngineApi } from '../../workers/engine-api';
import { formatCount, formatTime } from './format';
import { ImportProvenances, venueOf, type ImportProvenance } from './import-provenance';
import type { StreamSelection } from './url-state';

/** What an import gives the page: the stored series to show, and the line the drop zone says. */
export interface ImportDone {
  selection: StreamSelection;
  message: string;
}

/**
 * The import flow of the page, without a DOM: hands a dropped or picked file to the engine (which parses and
 * stores it under exchange "import"), remembers where the series came from (the venue its file name names,
 * ImportProvenances in `storage`) and answers the provenance of imported series for the chart title and the
 * watchlist. `onChange` runs whenever a provenance was recorded.
 */
export class ImportController {
  private readonly provenances: ImportProvenances;

  constructor(
    private readonly engine: Pick<EngineApi, 'importCandles'>,
    storage: Pick<Storage, 'getItem' | 'setItem'>,
    private readonly onChange: () => void = () => {},
  ) {
    this.provenances = new ImportProvenances(storage);
  }

  /** Where the selected series came from, when it is an import. */
  provenance(selection: StreamSelection): ImportProvenance | null {
    if (selection.exchange !== IMPORT_EXCHANGE) return null;
    return this.provenances.get(selection.symbol, selection.timeframe);
  }

  /** The venue of each watched import (empty for a live exchange's watchlist). */
  venues(selection: StreamSelection, watched: readonly string[]): Record<string, string> {
    if (selection.exchange !== IMPORT_EXCHANGE) return {};
    return Object.fromEntries(
      watched.map((w) => [w, this.provenances.get(w, selection.timeframe)?.venue ?? 'import'] as const),
    );
  }

  /** Stores the file's candles; throws the engine's one-line reason on bad input. */
  async importFile(name: string, text: string, symbol: string, timeframe: Timeframe): Promise<ImportDone> {
    const result = await this.engine.importCandles(name, text, symbol, timeframe);
    this.provenances.record(result.key.symbol, result.key.timeframe, {
      venue: venueOf(name),
      file: name,
      candles: result.candles,
      first: result.first,
      last: result.last,
    });
    this.onChange();
    const { exchange, symbol: sym, timeframe: tf } = result.key;
    return {
      selection: { exchange, symbol: sym, timeframe: tf },
      message: `Imported ${formatCount(result.candles)} candles of ${sym} ${tf} (${formatTime(result.first, true)} – ${formatTime(result.last, true)}); replaying.`,
    };
  }
}
