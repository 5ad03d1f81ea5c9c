import type { RunResult } from '../results.ts'

const COLORS: Record<string, string> = {
  'B2 raw SSE': '#94a3b8',
  'Next SSE route': '#0ea5e9', // demo:ticker
  'B1 raw ws': '#a3a3a3',
  'Socket.IO room': '#8b5cf6', // demo:chat
  'B1 raw ws (Yjs-sized binary)': '#d4d4d4', // demo:editor
  'Yjs relay': '#f59e0b', // demo:editor
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')

/**
 * Two bar charts side by side, drawn from the run: open-ended deliveries/s and fixed-rate p99
 * latency per stack, one group per subscriber count. Plain SVG, no library, readable on GitHub in
 * light and dark themes (its own background).
 */
export function fanoutSvg(result: RunResult): string {
  const ns = [...new Set(result.fanout.map((r) => r.subscribers))].sort((a, b) => a - b)
  const stacks = [...new Set(result.fanout.map((r) => r.stack))]
  const panels = [
    {
      title: 'Fan-out, open-ended: deliveries per second (higher is better)',
      phase: 'open' as const,
      pick: (v: { deliveriesPerS: number }) => v.deliveriesPerS,
      unit: '/s',
    },
    {
      title: 'Fan-out, fixed rate: p99 latency in ms (lower is better)',
      phase: 'fixed' as const,
      pick: (v: { latency: { p99Ms: number } }) => v.latency.p99Ms,
      unit: ' ms',
    },
  ]
  const barH = 14
  const groupGap = 18
  const labelW = 70
  const panelW = 460
  const valueW = 90
  const groupH = stacks.length * (barH + 3) + groupGap
  const height = 70 + ns.length * groupH + stacks.length * 16 + 20
  const width = panels.length * (labelW + panelW + valueW) + 40
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-sans-serif, system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ]
  panels.forEach((panel, p) => {
    const x0 = 20 + p * (labelW + panelW + valueW)
    out.push(
      `<text x="${x0}" y="24" font-size="13" font-weight="600" fill="#0f172a">${esc(panel.title)}</text>`,
    )
    const rows = result.fanout.filter((r) => r.phase === panel.phase)
    const max = Math.max(1e-9, ...rows.map((r) => panel.pick(r)))
    ns.forEach((n, g) => {
      const y0 = 48 + g * groupH
      out.push(
        `<text x="${x0}" y="${y0 + 10}" fill="#334155">N=${n.toLocaleString('en-US')}</text>`,
      )
      stacks.forEach((stack, s) => {
        const row = rows.find((r) => r.stack === stack && r.subscribers === n)
        if (!row) return
        const value = panel.pick(row)
        const w = Math.max(1, (value / max) * panelW)
        const y = y0 + s * (barH + 3)
        out.push(
          `<rect x="${x0 + labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" rx="2" fill="${COLORS[stack] ?? '#64748b'}"><title>${esc(stack)}: ${value}</title></rect>`,
        )
        const text =
          panel.phase === 'open'
            ? Math.round(value).toLocaleString('en-US')
            : value.toFixed(value >= 10 ? 1 : 2)
        out.push(
          `<text x="${x0 + labelW + w + 4}" y="${y + barH - 3}" fill="#0f172a" font-size="11">${text}${panel.unit}${row.loadBound ? ' ⚠' : ''}</text>`,
        )
      })
    })
  })
  const legendY = 48 + ns.length * groupH + 4
  stacks.forEach((stack, s) => {
    const x = 20 + (s % 3) * 300
    const y = legendY + Math.floor(s / 3) * 18
    out.push(
      `<rect x="${x}" y="${y}" width="12" height="12" rx="2" fill="${COLORS[stack] ?? '#64748b'}"/>`,
    )
    out.push(`<text x="${x + 18}" y="${y + 10}" fill="#334155">${esc(stack)}</text>`)
  })
  out.push(
    `<text x="20" y="${height - 6}" fill="#64748b" font-size="11">${esc(`${result.mode} run ${result.startedAt} · ${result.machine.cpuModel}, ${result.machine.cores} cores · Node ${result.machine.node} · ⚠ load generator above 85% CPU`)}</text>`,
  )
  out.push('</svg>')
  return `${out.join('\n')}\n`
}
