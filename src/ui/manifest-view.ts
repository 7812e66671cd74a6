/**
 * Reads the shipped models' manifest (public/models/manifest.json, returned by engine.getModelManifest as
 * `unknown`) into what the ML panel shows. Tolerant: a field that is missing or of the wrong type is left
 * out (or null), never guessed.
 */
export interface HoldOutHorizon {
  horizon: string;
  rows: number | null;
  ic: number | null;
  hitRate: number | null;
  coverage: number | null;
  maeRatio: number | null;
  calibrationError: number | null;
}

/** One (timeframe, horizon) row of the price predictor's walk-forward table. */
export interface WalkForwardRow {
  timeframe: string;
  horizon: string;
  folds: number | null;
  ic: number | null;
  icT: number | null;
  icPositiveShare: number | null;
  hitRate: number | null;
  rmseRatio: number | null;
  coverage: number | null;
  calibrationError: number | null;
  reversalIc: number | null;
  momentumIc: number | null;
  /** Whether the tree members carry weight in the served forecast (else it is the reversal prior alone). */
  treesWeighted: boolean | null;
  claimed: boolean | null;
}

export interface SummaryMetric {
  label: string;
  value: number;
  kind: 'score' | 'percent' | 'count';
}

export interface ModelCard {
  key: string;
  title: string;
  version: string | null;
  created: string | null;
  backendsChecked: string[];
  split: string | null;
  summary: SummaryMetric[];
  /** Per-horizon hold-out metrics (price predictor): the later, held-out period of the training symbols. */
  horizons: HoldOutHorizon[];
  /** The same metrics on symbols the models were never trained on (empty when the manifest has none). */
  unseen: HoldOutHorizon[];
  /** Price predictor: walk-forward metrics per (timeframe, horizon) beside the baselines (empty when absent). */
  walkForward: WalkForwardRow[];
  /** Pattern CNN: per-pattern F1 on each evaluation set (held-out, resampled, stress, foreign); else empty. */
  patternSets: PatternSetScore[];
}

/** The pattern CNN scored against the rules on one evaluation set (manifest `metrics.sets`, training/cnn/evalsets.ts). */
export interface PatternSetScore {
  set: string;
  windows: number | null;
  macroF1: number | null;
  /** F1 and rule occurrences per pattern, in the manifest's order. */
  patterns: { pattern: string; f1: number | null; support: number | null }[];
}

const TF_ORDER = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '12h', '1d', '1w'];

function walkForwardRows(entry: Json): WalkForwardRow[] {
  const metrics = isObject(entry['metrics']) ? entry['metrics'] : {};
  const wf = isObject(metrics['walk_forward']) ? metrics['walk_forward'] : {};
  const claims = isObject(entry['claims']) ? entry['claims'] : {};
  const rows: WalkForwardRow[] = [];
  for (const [timeframe, perH] of Object.entries(wf)) {
    if (!isObject(perH)) continue;
    for (const [horizon, cell] of Object.entries(perH)) {
      if (!isObject(cell)) continue;
      const m = isObject(cell['model']) ? cell['model'] : {};
      const rev = isObject(cell['reversal']) ? cell['reversal'] : {};
      const mom = isObject(cell['momentum']) ? cell['momentum'] : {};
      const c = isObject(claims[timeframe]) ? (claims[timeframe] as Json)[horizon] : undefined;
      rows.push({
        timeframe,
        horizon,
        folds: num(m['folds']),
        ic: num(m['ic']),
        icT: num(m['ic_t']),
        icPositiveShare: num(m['ic_positive_share']),
        hitRate: num(m['hit_rate']),
        rmseRatio: num(m['rmse_ratio']),
        coverage: num(m['coverage_80']),
        calibrationError: num(m['calibration_error']),
        reversalIc: num(rev['ic']),
        momentumIc: num(mom['ic']),
        treesWeighted: typeof m['trees_weighted'] === 'boolean' ? m['trees_weighted'] : null,
        claimed: typeof c === 'boolean' ? c : null,
      });
    }
  }
  return rows.sort(
    (a, b) => TF_ORDER.indexOf(a.timeframe) - TF_ORDER.indexOf(b.timeframe) || Number(a.horizon) - Number(b.horizon),
  );
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

const TITLES: Record<string, string> = {
  pattern_cnn: 'Pattern CNN',
  price_ensemble: 'Price ensemble',
  price_predictor: 'Price ensemble',
};

function horizonRows(metrics: Json, part = 'held_out_period'): HoldOutHorizon[] {
  const table = isObject(metrics[part]) ? metrics[part] : part === 'held_out_period' ? metrics : {};
  const rows: HoldOutHorizon[] = [];
  for (const [horizon, m] of Object.entries(table)) {
    if (!/^\d+$/.test(horizon) || !isObject(m)) continue;
    rows.push({
      horizon,
      rows: num(m['rows']),
      ic: num(m['ic']),
      hitRate: num(m['hit_rate']),
      coverage: num(m['coverage_80'] ?? m['coverage']),
      maeRatio: num(m['mae_ratio_vs_random_walk'] ?? m['mae_ratio']),
      calibrationError: num(m['calibration_error']),
    });
  }
  return rows.sort((a, b) => Number(a.horizon) - Number(b.horizon));
}

function summary(metrics: Json): SummaryMetric[] {
  const out: SummaryMetric[] = [];
  const add = (label: string, value: unknown, kind: SummaryMetric['kind']) => {
    const n = num(value);
    if (n !== null) out.push({ label, value: n, kind });
  };
  add('Macro F1 (hold-out)', metrics['macro_f1'], 'score');
  add('Macro F1 (validation)', metrics['validation_macro_f1'], 'score');
  add('Patterns in macro average', metrics['macro_patterns'], 'count');
  return out;
}

function patternSets(metrics: Json): PatternSetScore[] {
  const sets = isObject(metrics['sets']) ? metrics['sets'] : {};
  return Object.entries(sets)
    .filter((e): e is [string, Json] => isObject(e[1]))
    .map(([set, m]) => ({
      set,
      windows: num(m['windows']),
      macroF1: num(m['macro_f1']),
      patterns: Object.entries(isObject(m['patterns']) ? m['patterns'] : {})
        .filter((e): e is [string, Json] => isObject(e[1]))
        .map(([pattern, p]) => ({ pattern, f1: num(p['f1']), support: num(p['support']) })),
    }));
}

function card(key: string, entry: Json): ModelCard {
  const metrics = isObject(entry['metrics']) ? entry['metrics'] : {};
  const backends = Array.isArray(entry['backends_checked'])
    ? entry['backends_checked'].filter((b): b is string => typeof b === 'string')
    : [];
  return {
    key,
    title: TITLES[key] ?? key.replace(/_/g, ' '),
    version: str(entry['version']),
    created: str(entry['created']),
    backendsChecked: backends,
    split: str(metrics['split']) ?? str(entry['split_note']),
    summary: summary(metrics),
    horizons: horizonRows(metrics),
    unseen: horizonRows(metrics, 'unseen_symbols'),
    walkForward: walkForwardRows(entry),
    patternSets: patternSets(metrics),
  };
}

/** One card per model in `manifest.models`, in the manifest's order; [] when the manifest is absent or malformed. */
export function modelCards(manifest: unknown): ModelCard[] {
  if (!isObject(manifest) || !isObject(manifest['models'])) return [];
  return Object.entries(manifest['models'])
    .filter((e): e is [string, Json] => isObject(e[1]))
    .map(([key, entry]) => card(key, entry));
}
