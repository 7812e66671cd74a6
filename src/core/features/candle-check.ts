/**
 * The feature engine's input rule, shared by streaming (FeatureEngine.step) and batch (computeFeatures): prices
 * positive and finite, volume finite and not negative, high >= low. Throws one line naming the candle's values.
 */
export function checkEngineCandle(o: number, h: number, l: number, c: number, v: number): void {
  if (!(
    o > 0 &&
    h > 0 &&
    l > 0 &&
    c > 0 &&
    v >= 0 &&
    h >= l &&
    h < Infinity &&
    o < Infinity &&
    c < Infinity &&
    v < Infinity
  )) {
    throw new RangeError(`invalid candle for the feature engine: open ${o} high ${h} low ${l} close ${c} volume ${v}`);
  }
}
