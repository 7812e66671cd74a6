/** The page's colour theme: chosen by the user (kept between visits), else the system's preference. */
export type Theme = 'light' | 'dark';

/** localStorage key of the chosen theme. */
export const THEME_KEY = 'candlecast.theme';

/** The browser bar colour (`<meta name="theme-color">`) of each theme: the page's header background. */
export const THEME_COLOR: Record<Theme, string> = { dark: '#0b1120', light: '#f1f5f9' };

type KeyValue = Pick<Storage, 'getItem' | 'setItem'>;

/** The saved theme, else light when the system prefers it, else dark. */
export function initialTheme(storage: Pick<Storage, 'getItem'>, prefersLight: boolean): Theme {
  const saved = storage.getItem(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return prefersLight ? 'light' : 'dark';
}

/** Keeps the user's choice for the next visit (storage full or denied: it holds for this one). */
export function saveTheme(storage: KeyValue, theme: Theme): void {
  try {
    storage.setItem(THEME_KEY, theme);
  } catch {
    // Nothing to do: the page still switches.
  }
}

/** The other theme (what the toggle offers). */
export const otherTheme = (t: Theme): Theme => (t === 'dark' ? 'light' : 'dark');
