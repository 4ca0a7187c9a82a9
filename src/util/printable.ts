/**
 * Text as a terminal should receive it inside one line of output: control characters (C0, DEL
 * and C1), which only file names bring into messages, written as escapes (`\n`, `\t`, `\r`,
 * else `\u001b`). A name holding a line feed then stays on its line, and a name holding an
 * escape sequence sends the terminal none.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, escapeOf);
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };

function escapeOf(character: string): string {
  return SHORT_ESCAPES[character] ??
    `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `text` as one line of output: {@link printable}, then a line feed. */
export function printableLine(text: string): string {
  return `${printable(text)}\n`;
}
