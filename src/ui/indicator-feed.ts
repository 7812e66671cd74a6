import type { FeatureSeries } from '../../workers/engine-api';
import { oneLine } from '../core/util/errors';

export const EMPTY_SERIES: FeatureSeries = { time: [], values: {} };

/**
 * Keeps the chosen indicators' feature columns fresh from the worker: one request in flight at a time, and
 * requests made meanwhile folded into one more after it (a fast replay asks far more often than it needs).
 * The answer goes to `onData`; a failed request to `onError` as one line.
 */
export class IndicatorFeed {
  private inFlight = false;
  private again = false;
  private names: string[] = [];
  /** Bumped when the names or the stream change, so an answer for the old ones is dropped. */
  private epoch = 0;

  constructor(
    private readonly fetch: (names: string[]) => Promise<FeatureSeries>,
    private readonly onData: (series: FeatureSeries) => void,
    private readonly onError: (line: string) => void,
  ) {}

  /** New names (or a new stream): what was asked before is stale. */
  choose(names: string[]): void {
    this.names = names;
    this.epoch++;
    this.refresh();
  }

  /** Asks for the current names' columns again (new candles). */
  refresh(): void {
    if (this.names.length === 0) {
      this.onData(EMPTY_SERIES);
      return;
    }
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = true;
    const epoch = this.epoch;
    this.fetch(this.names)
      .then((series) => {
        if (epoch === this.epoch) this.onData(series);
      })
      .catch((err: unknown) => this.onError(oneLine(err)))
      .finally(() => {
        this.inFlight = false;
        if (this.again || epoch !== this.epoch) {
          this.again = false;
          this.refresh();
        }
      });
  }
}
