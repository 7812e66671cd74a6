import { isTimeframe, type Timeframe } from '../core/candles/timeframe';
import type { ReplaySpeed } from '../feeds/replay';
import { withDb, type DbSource } from './connection';

export type Theme = 'system' | 'light' | 'dark';

/** Everything the app remembers between visits. */
export interface Settings {
  theme: Theme;
  exchange: string;
  symbol: string;
  timeframe: Timeframe;
  replaySpeed: ReplaySpeed;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = {
  theme: 'system',
  exchange: 'binance',
  symbol: 'BTCUSDT',
  timeframe: '1m',
  replaySpeed: 10,
};

type Validators = { [K in keyof Settings]: (value: unknown) => value is Settings[K] };

const nonEmptyString = (v: unknown): v is string => typeof v === 'string' && v !== '';
const VALID: Validators = {
  theme: (v): v is Theme => v === 'system' || v === 'light' || v === 'dark',
  exchange: nonEmptyString,
  symbol: nonEmptyString,
  timeframe: (v): v is Timeframe => typeof v === 'string' && isTimeframe(v),
  replaySpeed: (v): v is ReplaySpeed => v === 1 || v === 10 || v === 100 || v === 'max',
};

/** Typed settings; a missing or unreadable stored value (say, from an older version) reads as its default. */
export class SettingsStore {
  constructor(private readonly source: DbSource) {}

  async get<K extends keyof Settings>(name: K): Promise<Settings[K]> {
    return withDb(this.source, async (db) => {
      const record = await db.get('settings', name);
      return read(name, record?.value);
    });
  }

  async getAll(): Promise<Settings> {
    return withDb(this.source, async (db) => {
      const records = await db.getAll('settings');
      const stored = new Map(records.map((r) => [r.key, r.value]));
      const out = { ...DEFAULT_SETTINGS };
      for (const name of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
        (out as Record<keyof Settings, unknown>)[name] = read(name, stored.get(name));
      }
      return out;
    });
  }

  /** Stores one setting; an invalid value throws and nothing is written. */
  async set<K extends keyof Settings>(name: K, value: Settings[K]): Promise<void> {
    if (!(name in VALID)) throw new Error(`unknown setting "${String(name)}"`);
    if (!VALID[name](value)) throw new Error(`setting ${name}: invalid value ${JSON.stringify(value)}`);
    return withDb(this.source, async (db) => {
      await db.put('settings', { key: name, value });
    });
  }

  /** Back to the default (deletes the stored value). */
  async reset(name: keyof Settings): Promise<void> {
    return withDb(this.source, (db) => db.delete('settings', name));
  }
}

function read<K extends keyof Settings>(name: K, value: unknown): Settings[K] {
  return VALID[name](value) ? value : DEFAULT_SETTINGS[name];
}
