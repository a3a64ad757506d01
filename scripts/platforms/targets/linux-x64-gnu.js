// linux-x64-gnu: this machine's own platform. Built as the release builds
// it, against napi's cross toolchain (glibc 2.17 sysroot, see
// ../napi-cross.js), not this machine's glibc, and run directly by this
// machine's Node: golden check and every jest suite.
const napiCross = require('../napi-cross')

const triple = 'x86_64-unknown-linux-gnu'

module.exports = {
  target: 'linux-x64-gnu',
  triple,
  async build(ctx) {
    return napiCross.build(ctx, triple, 'linux-x64-gnu')
  },
  async run(ctx, built) {
    // The binary is the local build (see lib.outputDir), which the loader
    // takes without PHASE_ROUTER_NATIVE_PATH; the jest suites that test the
    // loader's own choices need that variable unset.
    const env = { ...process.env }
    delete env.PHASE_ROUTER_NATIVE_PATH
    const check = { ...env, PHASE_ROUTER_NATIVE_PATH: built.file }
    const { loaded, golden, output } = ctx.lib.goldenCheck([process.execPath], { env: check, log: ctx.log })
    if (loaded !== true) return { loaded, golden, suites: `n/a (${output.trim().split('\n')[0]})` }
    if (!ctx.jest) return { loaded, golden, suites: 'n/a (--no-jest)' }
    const jest = ctx.lib.runJest([process.execPath], {
      name: 'linux-x64-gnu',
      env,
      suites: ctx.jestSuites || [],
      inBand: false,
      log: ctx.log,
    })
    return { loaded, golden, suites: jest.text }
  },
}
