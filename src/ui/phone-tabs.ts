/**
 * The phone layout's sections under the chart, one at a time, chosen in the bottom bar (SPEC's phone layout:
 * the main actions without scrolling past the whole page). On wider screens every section is shown.
 */
export const PHONE_TABS = [
  { id: 'signals', label: 'Signals', icon: '◎' },
  { id: 'replay', label: 'Replay', icon: '▶' },
  { id: 'import', label: 'Import', icon: '⇪' },
  { id: 'panels', label: 'Panels', icon: '☰' },
] as const;

export type PhoneTab = (typeof PHONE_TABS)[number]['id'];

/** The section the page opens on. */
export const DEFAULT_PHONE_TAB: PhoneTab = 'signals';
