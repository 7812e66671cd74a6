import WebSocket from 'ws';
import type { Candle } from '../../core/candles/candle';
import { isTimeframe, TIMEFRAMES } from '../../core/candles/timeframe';
import { ADAPTERS, EXCHANGE_IDS, isExchangeId } from '../../feeds/adapter';
import { formatCandlesCsv } from '../../feeds/csv';
import { LiveFeed, type FeedStatus } from '../../feeds/live-feed';
import { splitSymbol } from '../../feeds/symbols';
import type { WebSocketCtor } from '../../feeds/ws-types';
import { numberOption, parseArgs } from '../args';
import { CliError } from '../errors';
import { writeOutput } from '../io';
import type { Command } from '../command';

const USAGE =
  'usage: candlecast record --exchange E --symbol S --interval I [--rest-url U] [--ws-url U] (--candles N | --minutes N) [--from TIME] [--stale-s S] [--out F]';

/**
 * `candlecast record`: connects like the app does — REST backfill of the latest page (or from --from), then the
 * exchange's websocket through the same LiveFeed — and writes the closed candles as CSV. Stops after N closed
 * candles (--candles) or N minutes (--minutes), or on Ctrl-C / SIGTERM; the output is written atomically at the end.
 * --stale-s overrides the timeframe-aware silence after which the stream is reconnected (defaultStaleMs).
 */
export const recordCommand: Command = {
  summary: 'record closed candles from an exchange (REST backfill, then websocket) as CSV',
  async run(argv) {
    const args = parseArgs(argv, [
      'exchange',
      'symbol',
      'interval',
      'rest-url',
      'ws-url',
      'candles',
      'minutes',
      'from',
      'stale-s',
      'out',
    ]);
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
    const restUrl = urlOption(args.options.get('rest-url'), 'rest-url', ['http:', 'https:']);
    const wsUrl = urlOption(args.options.get('ws-url'), 'ws-url', ['ws:', 'wss:']);
    const staleS = numberOption(args, 'stale-s');
    if (staleS !== undefined && !(staleS > 0)) throw new CliError(`--stale-s must be > 0, got ${staleS}`);
    const fromRaw = args.options.get('from');
    const from = fromRaw === undefined ? undefined : parseTime(fromRaw);

    const recorded: Candle[] = [];
    const status = await new Promise<FeedStatus>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | null = null;
      const finish = (): void => {
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
            if (!u.closed || (candles !== undefined && recorded.length >= candles)) return;
            recorded.push(u.candle);
            if (candles !== undefined && recorded.length >= candles) queueMicrotask(finish);
          },
          onStatus(s) {
            if (s.state === 'error') queueMicrotask(finish);
          },
        },
      );
      process.on('SIGINT', finish);
      process.on('SIGTERM', finish);
      if (minutes !== undefined) timer = setTimeout(finish, minutes * 60_000);
      feed.start();
    });
    if (status.state === 'error') throw new CliError(status.lastError ?? `${exchange} feed failed`);
    writeOutput(formatCandlesCsv(recorded), args.options.get('out'));
    process.stderr.write(
      `recorded ${recorded.length} closed ${interval} candles of ${symbol} from ${exchange}: ` +
        `${status.reconnects} reconnects, ${status.malformed} malformed, ${status.duplicatesDropped} duplicates and ` +
        `${status.outOfOrderDropped} out-of-order messages dropped, ${status.rateLimited} rate-limit answers` +
        `${recorded.length === 0 && status.lastError ? `; last error: ${status.lastError}` : ''}\n`,
    );
  },
};

function urlOption(raw: string | undefined, name: string, schemes: readonly string[]): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`--${name} "${raw}" is not a URL`);
  }
  if (!schemes.includes(url.protocol))
    throw new CliError(`--${name} must start with ${schemes.map((s) => `${s}//`).join(' or ')}, got "${raw}"`);
  return raw;
}

function parseTime(raw: string): number {
  const v = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(v)) throw new CliError(`--from "${raw}" is not a time (epoch ms or ISO 8601)`);
  return v;
}
