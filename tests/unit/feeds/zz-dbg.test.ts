import { it } from 'vitest';
import { loadCandles } from '../../helpers/data';
import { runChaos } from './chaos-harness';
import type { FaultKind } from '../../sim/server';
it('dbg', async () => {
  const all = loadCandles('binance_XRPUSDT_15m_2023-04_2024-04.csv');
  const source = all.slice(20000, 20000 + 5701);
  for (const faults of [['http429', 'disconnect', 'garbage', 'http418', 'duplicate', 'close', 'http5xx', 'out-of-order', 'stall']] as FaultKind[][]) {
    const run = await runChaos({ exchange: 'okx', symbol: 'XRPUSDT', timeframe: '15m', source, startIndex: 700, faults, everyCandles: 230, candlesPerSecond: 1500, expectAtLeast: 5701, timeoutMs: 5000 });
    const s = run.status;
    console.log(faults.join(), run.closed.length, 'open', run.openUpdates, 'sup', s.supersededDropped, 'dup', s.duplicatesDropped, 'ooo', s.outOfOrderDropped, 'stale', s.staleReconnects, 'rest', s.restRequests, Math.round(run.ms));
  }
});
