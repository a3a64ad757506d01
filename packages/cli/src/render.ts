// Renders a Vega-Lite chart to a PNG file: Vega-Lite compiles it to Vega, Vega
// lays it out as SVG without a browser or canvas, and resvg rasterises the SVG.
// The font comes from the dejavu-fonts-ttf package so that text renders the
// same on a machine with no system fonts; nothing is fetched at run time.
// These modules are heavy: they are dependencies of phase-router-cli only (the
// library phase-router does not install them), and are loaded here on first
// use, so `--help` and argument errors do not pay for them.

import { writeFileSync } from 'node:fs'

/** A Vega-Lite specification, built by charts.ts. */
export type ChartSpec = Record<string, unknown>

interface VegaModule {
  parse(spec: unknown, config?: unknown): unknown
  View: new (runtime: unknown, options: { renderer: 'none' }) => { toSVG(scale?: number): Promise<string> }
}
interface VegaLiteModule {
  compile(spec: unknown): { spec: unknown }
}

export const FONT = 'DejaVu Sans'

// Vega and Vega-Lite ship only ES modules. Under `module: commonjs` TypeScript
// rewrites `import()` into `require()`, which Node before 20.19 cannot use on
// an ES module, so the dynamic import is kept out of the compiler's sight.
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>

let loaded: Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> | undefined
function load() {
  loaded ??= Promise.all([importModule('vega'), importModule('vega-lite')]).then(([vega, vegaLite]) => ({
    vega: vega as VegaModule,
    vegaLite: vegaLite as VegaLiteModule,
  }))
  return loaded
}

export async function chartToSvg(spec: ChartSpec): Promise<string> {
  const { vega, vegaLite } = await load()
  const config = { font: FONT, background: 'white' }
  const view = new vega.View(vega.parse(vegaLite.compile({ config, ...spec }).spec), { renderer: 'none' })
  return view.toSVG()
}

/** Writes the chart as a PNG at twice its layout size (sharp on high-density screens). */
export async function writeChartPng(spec: ChartSpec, file: string): Promise<void> {
  const svg = await chartToSvg(spec)
  const { Resvg } = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js')
  const fontFiles = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => require.resolve(`dejavu-fonts-ttf/ttf/${f}`))
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: { fontFiles, loadSystemFonts: false, defaultFontFamily: FONT },
  })
  writeFileSync(file, resvg.render().asPng())
}
