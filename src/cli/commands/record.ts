import { closeSync, existsSync, openSync, unlinkSync, writeSync } from 'node:fs';
import WebSocket from 'ws';
import type { Candle } from '../../core/candles/candle';
import { isTimeframe, TIMEFRAMES, timeframeMs } from '../../core/candles/timeframe';
import { ADAPTERS, EXCHANGE_IDS, isExchangeId } from '../../feeds/adapter';
import { CANDLE_CSV_HEADER } from '../../feeds/csv';
import { LiveFeed, type FeedStatus } from '../../feeds/live-feed';
import { splitSymbol } from '../../feeds/symbols';
import type { WebSocketCtor } from '../../feeds/ws-types';
import { numberOption, parseArgs } from '../args';
import { acceptOverride, type EndpointKind } from '../../feeds/network-policy';
import { CliError } from '../errors';
import { readCandleColumns } from '../io';
import type { Command } from '../command';

const USAGE =
  'usage: candlecast record --exchange E --symbol S --interval I [--rest-url U] [--ws-url U] (--candles N | --minutes N) [--from TIME] [--stale-s S] [--give-up-after S] [--out F [--append]]';

/** Seconds without any message from the exchange after which record gives up (exit 2). */
const GIVE_UP_AFTER_S = 60;

/**
 * Where recorded candles go, one CSV line each as they close: stdout, or the --out file written directly (not
 * through a temporary file) so that a killed run leaves a valid file of the candles so far. A new file gets the
 * header; `--append` continues an existing one after its last candle.
 */
class CandleLog {
  private fd: number | null = null;
  private created = false;
  written = 0;

  constructor(
    private readonly out: string | undefined,
    append: boolean,
  ) {
    if (out === undefined || out === '-') {
      process.stdout.write(`${CANDLE_CSV_HEADER}\n`);
      return;
    }
    const exists = existsSync(out);
    if (exists && !append) throw new CliError(`${out} exists; use --append to continue it, or another --out`);
    try {
      this.fd = openSync(out, 'a');
    } catch (err) {
      throw new CliError(`${out}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    this.created = !exists;
    if (!exists) this.raw(`${CANDLE_CSV_HEADER}\n`);
  }

  add(c: Candle): void {
    this.raw(`${c.time},${c.open},${c.high},${c.low},${c.close},${c.volume}\n`);
    this.written++;
  }

  /** Ends the log; a file this run created that holds no candle is removed. */
  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    if (this.written === 0 && this.created) unlinkSync(this.out!);
  }

  private raw(line: string): void {
    if (this.fd === null) process.stdout.write(line);
    else writeSync(this.fd, line);
  }
}

/** The last candle of an existing recording (validated like any input), or null when `out` does not exist. */
async function lastRecorded(out: string | undefined, append: boolean): Promise<number | null> {
  if (!append) return null;
  if (out === undefined || out === '-') throw new CliError('--append needs --out FILE');
  if (!existsSync(out)) return null;
  const cols = await readCandleColumns(out);
  return cols.time[cols.time.length - 1]!;
}

/**
 * `candlecast record`: connects like the app does — REST backfill of the latest page (or from --from), then the
 * exchange's websocket through the same LiveFeed — and writes each closed candle as CSV as it comes (a SIGKILL
 * leaves a valid file). Stops after N closed candles (--candles) or N minutes (--minutes), or on Ctrl-C /
 * SIGTERM. `--append` continues an existing --out file from the candle after its last one (no gap, no overlap).
 * With no message from the exchange for --give-up-after seconds (default 60) it ends with exit 2, as it does
 * when no candle was recorded. --stale-s overrides the timeframe-aware silence after which the stream is
 * reconnected (defaultStaleMs).
 */
export const recordCommand: Command = {
  async run(argv) {
    const args = parseArgs(
      argv,
      [
        'exchange',
        'symbol',
        'interval',
        'rest-url',
        'ws-url',
        'candles',
        'minutes',
        'from',
        'stale-s',
        'give-up-after',
        'out',
      ],
      ['append'],
    );
    if (args.positional.length > 0) throw new CliError(`unexpected argument "${args.positional[0]}" (${USAGE})`);
    const exchange = args.options.get('exchange');
    const symbol = args.options.get('symbol');
    const interval = args.options.get('interval');
    if (exchange === undefined || symbol === undefined || interval === undefined) {
      throw new CliError(`--exchange, --symbol and --interval are required (${USAGE})`);
    }
    if (!isExchangeId(exchange))
      throw new CliError(`unknown exchange "${exchange}" (one of ${EXCHANGE_IDS.join(', ')})`);
    const adapter = ADAPTERS[exchange];
    if (!isTimeframe(interval)) throw new CliError(`unknown interval "${interval}" (one of ${TIMEFRAMES.join(', ')})`);
    if (!adapter.timeframes.includes(interval)) {
      throw new CliError(`${adapter.name} has no ${interval} candles (supported: ${adapter.timeframes.join(', ')})`);
    }
    try {
      splitSymbol(symbol);
    } catch (err) {
      throw new CliError(err instanceof Error ? err.message : String(err));
    }
    const candles = numberOption(args, 'candles');
    const minutes = numberOption(args, 'minutes');
    if ((candles === undefined) === (minutes === undefined))
      throw new CliError('give exactly one of --candles N and --minutes N');
    if (candles !== undefined && (!Number.isInteger(candles) || candles < 1)) {
      throw new CliError(`--candles must be a positive integer, got ${candles}`);
    }
    if (minutes !== undefined && !(minutes > 0)) throw new CliError(`--minutes must be > 0, got ${minutes}`);
    const restUrl = urlOption(args.options.get('rest-url'), 'rest-url', 'rest');
    const wsUrl = urlOption(args.options.get('ws-url'), 'ws-url', 'ws');
    const staleS = numberOption(args, 'stale-s');
    if (staleS !== undefined && !(staleS > 0)) throw new CliError(`--stale-s must be > 0, got ${staleS}`);
    const giveUpS = numberOption(args, 'give-up-after') ?? GIVE_UP_AFTER_S;
    if (!(giveUpS > 0)) throw new CliError(`--give-up-after must be > 0, got ${giveUpS}`);
    const fromRaw = args.options.get('from');
    const append = args.flags.has('append');
    const out = args.options.get('out');
    const last = await lastRecorded(out, append);
    if (last !== null && fromRaw !== undefined)
      throw new CliError('--append continues after the last candle; drop --from');
    const from = last !== null ? last + timeframeMs(interval) : fromRaw === undefined ? undefined : parseTime(fromRaw);

    const log = new CandleLog(out, append);
    let gaveUp = false;
    let status: FeedStatus;
    try {
      status = await new Promise<FeedStatus>((resolve) => {
        const started = Date.now();
        let lastData = started;
        const finish = (): void => {
          clearInterval(watchdog);
          if (timer !== null) clearTimeout(timer);
          process.off('SIGINT', finish);
          process.off('SIGTERM', finish);
          feed.stop();
          resolve(feed.status());
        };
        const feed = new LiveFeed(
          {
            exchange,
            symbol,
            timeframe: interval,
            endpoints: { ...(restUrl ? { restUrl } : {}), ...(wsUrl ? { wsUrl } : {}) },
            WebSocket: WebSocket as unknown as WebSocketCtor,
            ...(from !== undefined ? { backfillFrom: from } : {}),
            ...(staleS !== undefined ? { staleMs: staleS * 1000 } : {}),
          },
          {
            onCandle(u) {
              lastData = Date.now();
              if (!u.closed || (candles !== undefined && log.written >= candles)) return;
              if (last !== null && u.candle.time <= last) return;
              log.add(u.candle);
              if (candles !== undefined && log.written >= candles) queueMicrotask(finish);
            },
            onStatus(s) {
              if (s.state === 'error') queueMicrotask(finish);
            },
          },
        );
        const watchdog = setInterval(() => {
          const heard = Math.max(lastData, feed.status().lastMessageAt ?? 0);
          if (Date.now() - heard > giveUpS * 1000) {
            gaveUp = true;
            finish();
          }
        }, 250);
        process.on('SIGINT', finish);
        process.on('SIGTERM', finish);
        const timer = minutes !== undefined ? setTimeout(finish, minutes * 60_000) : null;
        feed.start();
      });
    } finally {
      log.close();
    }
    if (status.state === 'error') throw new CliError(status.lastError ?? `${exchange} feed failed`);
    if (gaveUp) {
      throw new CliError(
        `${exchange} sent nothing for ${giveUpS} s; giving up after ${log.written} candles` +
          `${status.lastError ? ` (last error: ${status.lastError})` : ''}`,
      );
    }
    if (log.written === 0) {
      throw new CliError(
        `no closed ${interval} candle of ${symbol} recorded from ${exchange}` +
          `${status.lastError ? ` (last error: ${status.lastError})` : ''}`,
      );
    }
    process.stderr.write(
      `recorded ${log.written} closed ${interval} candles of ${symbol} from ${exchange}: ` +
        `${status.reconnects} reconnects, ${status.malformed} malformed, ${status.duplicatesDropped} duplicates and ` +
        `${status.outOfOrderDropped} out-of-order messages dropped, ${status.rateLimited} rate-limit answers\n`,
    );
  },
};

/** An endpoint override, checked by the feeds' network policy (loopback only, scheme, host and port kept). */
function urlOption(raw: string | undefined, name: string, kind: EndpointKind): string | undefined {
  if (raw === undefined) return undefined;
  const accepted = acceptOverride(raw, kind);
  if ('problem' in accepted) throw new CliError(`--${name} refused: ${accepted.problem}`);
  return accepted.origin;
}

function parseTime(raw: string): number {
  const v = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(v)) throw new CliError(`--from "${raw}" is not a time (epoch ms or ISO 8601)`);
  return v;
}
