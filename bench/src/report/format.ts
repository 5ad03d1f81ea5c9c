export const int = (x: number) => Math.round(x).toLocaleString('en-US')
export const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2))
export const pct = (x: number) => `${Math.round(x * 100)}%`
export const bytes = (x: number) =>
  Math.abs(x) >= 1024 * 1024
    ? `${(x / 1024 / 1024).toFixed(1)} MiB`
    : Math.abs(x) >= 1024
      ? `${(x / 1024).toFixed(1)} KiB`
      : `${Math.round(x)} B`

/** A plain-text table for the terminal. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

/** A Markdown table. */
export function mdTable(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n')
}
