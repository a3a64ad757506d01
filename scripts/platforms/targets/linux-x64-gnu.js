// linux-x64-gnu: this machine's own platform, built natively (so its glibc
// floor is this machine's, where the release's napi cross toolchain gives
// 2.17) and run directly by this machine's Node: golden check and every
// jest suite.
const triple = 'x86_64-unknown-linux-gnu'

module.exports = {
  target: 'linux-x64-gnu',
  triple,
  async build(ctx) {
    const file = ctx.lib.napiBuild(triple, 'linux-x64-gnu', { log: ctx.log })
    return ctx.lib.elfFacts(file)
  },
  async run(ctx, built) {
    const env = { ...process.env, PHASE_ROUTER_NATIVE_PATH: built.file }
    const { loaded, golden, output } = ctx.lib.goldenCheck([process.execPath], { env, log: ctx.log })
    if (loaded !== true) return { loaded, golden, suites: `n/a (${output.trim().split('\n')[0]})` }
    if (!ctx.jest) return { loaded, golden, suites: 'n/a (--no-jest)' }
    const jest = ctx.lib.runJest([process.execPath], {
      name: 'linux-x64-gnu',
      env,
      suites: ctx.jestSuites || [],
      inBand: false,
      log: ctx.log,
    })
    for (const suite of jest.suites.filter((s) => !s.passed)) ctx.log(`${suite.name}: ${suite.failures.join('; ')}`)
    return { loaded, golden, suites: jest.text }
  },
}
