import { describe, expect, it } from 'vitest';
import { THEME_KEY, initialTheme, otherTheme, saveTheme } from '../../../src/ui/theme';

function storage(init: Record<string, string> = {}) {
  const items = new Map(Object.entries(init));
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
  };
}

describe('theme', () => {
  it('a saved choice wins over the system preference; else the preference decides', () => {
    expect(initialTheme(storage({ [THEME_KEY]: 'light' }), false)).toBe('light');
    expect(initialTheme(storage({ [THEME_KEY]: 'dark' }), true)).toBe('dark');
    expect(initialTheme(storage(), true)).toBe('light');
    expect(initialTheme(storage(), false)).toBe('dark');
    expect(initialTheme(storage({ [THEME_KEY]: 'sepia' }), true)).toBe('light');
  });

  it('keeps the choice, and survives storage that refuses writes', () => {
    const s = storage();
    saveTheme(s, 'light');
    expect(initialTheme(s, false)).toBe('light');
    const refusing = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(() => saveTheme(refusing, 'dark')).not.toThrow();
    expect(otherTheme('dark')).toBe('light');
    expect(otherTheme('light')).toBe('dark');
  });
});
