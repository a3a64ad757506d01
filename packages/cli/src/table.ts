// Plain-text tables for the terminal: a header row, a rule, right-aligned numbers.

export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((row) => row.map(String))]
  const widths = header.map((_, c) => Math.max(...cells.map((row) => row[c].length)))
  const line = (row: string[]) =>
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join('  ')
      .trimEnd()
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n')
}

/** Fixed decimals, as a string for a table cell. */
export const fixed = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a')

/** A share in [0, 1] as a percentage with one decimal. */
export const percent = (x: number): string => fixed(100 * x, 1)

/** `1 seed`, `5 seeds`. */
export const seedCount = (seeds: number): string => `${seeds} seed${seeds === 1 ? '' : 's'}`
