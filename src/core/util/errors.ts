/** Longest message a status line or a one-line CLI error shows. */
export const MAX_LINE = 300;

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * `text` made safe for one line of a terminal or a status line: control characters (NUL, ESC, CR, LF, ...)
 * escaped as `\xNN` (`\r`, `\n`, `\t` by name) and cut to `max` characters with an ellipsis.
 */
export function printable(text: string, max: number = MAX_LINE): string {
  const escaped = text.replace(CONTROL, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return escaped.length > max ? `${escaped.slice(0, max - 1)}…` : escaped;
}

/** The first line of an error's message, printable and at most MAX_LINE characters: what status lines and CLI errors show. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return printable(text.split(/\r?\n/)[0]!.trim()) || 'unknown error';
}
