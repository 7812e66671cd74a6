import type { Command } from '../command';
import { parseArgs, requireOne } from '../args';
import { CliError } from '../errors';
import { readCandles, resolveOutput, writeOutput } from '../io';
import { loadNodeModels } from '../models';
import { InsightPipeline } from '../../core/insights/pipeline';
import { inferTimeframe, isTimeframe, TIMEFRAMES } from '../../core/candles/timeframe';

/** Parses --at as epoch ms or ISO 8601. */
function parseAt(raw: string): number {
  const t = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(t)) throw new CliError(`--at "${raw}" is not a time (epoch ms or ISO 8601)`);
  return t;
}

/**
 * `candlecast insights <csv> [--at TIME] [--symbol S] [--exchange E] [--timeframe TF]`: the Insight JSON of
 * SPEC §2 at the last candle (or the last candle at or before --at), computed by the same pipeline as the app.
 */
export const insightsCommand: Command = {
  async run(argv) {
    const args = parseArgs(argv, ['at', 'out', 'symbol', 'exchange', 'timeframe']);
    const file = requireOne(args, 'candle file');
    resolveOutput(args.options.get('out'), [file]);
    const candles = await readCandles(file);
    const atRaw = args.options.get('at');
    const at = atRaw === undefined ? Number.POSITIVE_INFINITY : parseAt(atRaw);
    const upTo = candles.filter((c) => c.time <= at);
    if (upTo.length === 0) throw new CliError(`${file}: no candle at or before --at ${atRaw}`);
    const named = args.options.get('timeframe');
    if (named !== undefined && !isTimeframe(named)) {
      throw new CliError(`option --timeframe: unknown timeframe "${named}" (expected one of ${TIMEFRAMES.join(', ')})`);
    }
    const timeframe = named ?? inferTimeframe(upTo.map((c) => c.time));
    if (!timeframe) throw new CliError(`${file}: cannot tell the timeframe from the candle times (pass --timeframe)`);
    const pipeline = new InsightPipeline(
      { exchange: args.options.get('exchange') ?? 'csv', symbol: args.options.get('symbol') ?? 'UNKNOWN', timeframe },
      await loadNodeModels(),
    );
    for (const candle of upTo) pipeline.update(candle);
    const insight = await pipeline.insight();
    writeOutput(`${JSON.stringify(insight, null, 2)}\n`, args.options.get('out'), [file]);
  },
};
