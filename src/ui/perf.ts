/**
 * Latency from a candle message reaching the page to the panels showing it (DOM updated), in ms. Kept for the
 * bench (bench/ui.bench.ts reads it through `globalThis.candlecast.perf`); a bounded ring, no cost to speak of.
 */
const CAPACITY = 5000;
const samples: number[] = [];
let next = 0;

export function recordPanelLatency(ms: number): void {
  if (samples.length < CAPACITY) samples.push(ms);
  else samples[next] = ms;
  next = (next + 1) % CAPACITY;
}

export function panelLatencies(): number[] {
  return [...samples];
}

export function clearPanelLatencies(): void {
  samples.length = 0;
  next = 0;
}
