// A hand-written SVG bar chart of moved keys over the least possible, per scenario and router.
'use strict'

const SERIES = [
  ['keyedOverMin', 'KeyedRouter (default table)', '#1f77b4'],
  ['keyedPinnedOverMin', 'KeyedRouter (base table pinned)', '#6baed6'],
  ['rendezvousOverMin', "KeyedRouter, method 'rendezvous'", '#2ca02c'],
  ['hashringOverMin', 'hashring', '#d62728'],
  ['jumpOverMin', 'jump hash', '#9467bd'],
]

function escapeXml(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function movementChart(rows) {
  const cap = 4
  const [left, top, rowH, barH, width] = [300, 80, 22 * SERIES.length + 18, 20, 1000]
  const plotW = width - left - 40
  const height = top + rows.length * rowH + 40
  const x = (v) => left + (Math.min(v, cap) / cap) * plotW
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">Keys moved / least possible (1.0 = minimal, orange line = 1.1x; bars cut at ${cap}x)</text>`,
  ]
  SERIES.forEach(([, label, color], i) => {
    const [lx, ly] = [left + (i % 3) * 220, 34 + Math.floor(i / 3) * 16]
    parts.push(`<rect x="${lx}" y="${ly}" width="10" height="10" fill="${color}"/>`)
    parts.push(`<text x="${lx + 14}" y="${ly + 9}" font-size="11">${escapeXml(label)}</text>`)
  })
  for (const v of [1, 1.1, 2, 3, 4]) {
    parts.push(`<line x1="${x(v)}" y1="${top - 4}" x2="${x(v)}" y2="${height - 30}" stroke="${v === 1.1 ? '#f90' : '#ccc'}"/>`)
    if (v !== 1.1) parts.push(`<text x="${x(v)}" y="${height - 16}" text-anchor="middle">${v}x</text>`)
  }
  rows.forEach((row, r) => {
    const y0 = top + r * rowH
    parts.push(`<text x="${left - 8}" y="${y0 + rowH / 2}" text-anchor="end">${escapeXml(row.scenario)}</text>`)
    SERIES.forEach(([key, , color], i) => {
      const v = row[key]
      if (v === undefined) return
      const y = y0 + i * 22
      parts.push(`<rect x="${left}" y="${y}" width="${Math.max(1, x(v) - left)}" height="${barH - 4}" fill="${color}"/>`)
      parts.push(`<text x="${x(v) + 4}" y="${y + 12}" font-size="10">${v.toFixed(2)}</text>`)
    })
  })
  parts.push('</svg>')
  return parts.join('\n') + '\n'
}

module.exports = { movementChart }
