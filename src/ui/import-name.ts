/** Symbol and timeframe guessed from a CSV file name such as "BTCUSDT-1m-2024-01.csv" (null when unclear). */
export function guessFromFileName(name: string): { symbol: string | null; timeframe: string | null } {
  const stem = name.replace(/\.[^.]*$/, '').toUpperCase();
  const parts = stem.split(/[-_ .]+/);
  const symbol = parts.find((p) => /^[A-Z][A-Z0-9]{4,14}$/.test(p) && /[A-Z]{5,}/.test(p)) ?? null;
  const tf = parts.find((p) => /^\d{1,2}[MHDW]$/.test(p));
  return { symbol, timeframe: tf ? tf.toLowerCase() : null };
}
