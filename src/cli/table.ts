/**
 * Aligned plain-text tables for terminal output.
 */
import { printable } from '../util/printable.js';

export type Alignment = 'left' | 'right';

/**
 * The rows under the header, each column as wide as its widest cell, two spaces apart. Cells
 * are {@link printable}: a file name with a tab or a line feed keeps its row on one line.
 */
export function renderTable(
  header: readonly string[],
  cellRows: readonly (readonly string[])[],
  align: readonly Alignment[] = [],
): string {
  const rows = cellRows.map((row) => row.map(printable));
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        align[column] === 'right' ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n') + '\n';
}
