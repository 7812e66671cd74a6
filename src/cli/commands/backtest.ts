import { inferTimeframe, isTimeframe, TIMEFRAMES } from '../../core/candles/timeframe';
import { DEFAULT_COST, DEFAULT_SLIPPAGE, runBacktest } from '../../core/backtest';
import { numberOption, parseArgs, requireOne } from '../args';
import { CliError } from '../errors';
import { readCandles, resolveOutput, writeOutput } from '../io';
import { loadNodeModels } from '../models';
import type { Command } from '../command';

/**
 * `candlecast backtest <csv|parquet> [--cost C] [--slippage S] [--out F.json]`: replays the file through the same
 * engine and models as the app and scores its signals after costs (SPEC §6; trading rules in
 * src/core/backtest/rules.ts). A model that cannot load is named on stderr; the backtest then runs on what the
 * app would show without it.
 */
export const backtestCommand: Command = {
  async run(argv) {
    const args = parseArgs(argv, ['cost', 'slippage', 'out', 'symbol', 'exchange', 'timeframe']);
    const file = requireOne(args, 'candle CSV file');
    const cost = numberOption(args, 'cost') ?? DEFAULT_COST;
    const slippage = numberOption(args, 'slippage') ?? DEFAULT_SLIPPAGE;
    if (cost < 0 || cost >= 1) throw new CliError(`option --cost must be in [0, 1), got ${cost}`);
    if (slippage < 0 || slippage >= 1) throw new CliError(`option --slippage must be in [0, 1), got ${slippage}`);
    resolveOutput(args.options.get('out'), [file]);
    const candles = await readCandles(file);
    const given = args.options.get('timeframe');
    if (given !== undefined && !isTimeframe(given))
      throw new CliError(`option --timeframe: unknown timeframe "${given}" (expected one of ${TIMEFRAMES.join(', ')})`);
    const timeframe = given ?? inferTimeframe(candles.map((c) => c.time));
    if (!timeframe) throw new CliError(`${file}: cannot tell the timeframe from the candle times (pass --timeframe)`);
    const models = await loadNodeModels();
    for (const err of [models.cnnError, models.priceError]) {
      if (err) process.stderr.write(`candlecast backtest: model not loaded: ${err}\n`);
    }
    const result = await runBacktest(candles, models, {
      cost,
      slippage,
      key: {
        exchange: args.options.get('exchange') ?? 'csv',
        symbol: args.options.get('symbol') ?? 'UNKNOWN',
        timeframe,
      },
    });
    writeOutput(`${JSON.stringify(result.report, null, 2)}\n`, args.options.get('out'), [file]);
  },
};
