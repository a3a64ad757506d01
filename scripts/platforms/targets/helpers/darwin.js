// The darwin-x64 and darwin-arm64 targets: cross-built here by zig, through
// napi's --cross-compile (cargo-zigbuild), and checked without a Mac: the
// Mach-O header, the minimum macOS, the libraries linked, the exported
// napi_register_module_v1, Node-API looked up in node at load time, and on
// arm64 the code signature. Nothing here can run them.
'use strict'

const fs = require('node:fs')
const macho = require('./macho')
const { objdump } = require('./objdump')

// What the load commands, exports and bindings of `file` say.
function machoFacts(lib, log, file) {
  const headers = objdump(lib, log, ['--macho', '--private-headers'], file)
  const bindings = objdump(lib, log, ['--macho', '--bind', '--lazy-bind', '--weak-bind'], file)
  return {
    header: macho.parseHeader(headers),
    commands: macho.parseLoadCommands(headers),
    exports: macho.parseExports(objdump(lib, log, ['--macho', '--exports-trie'], file)),
    bindings: macho.parseBindings(bindings),
  }
}

// The target module (see ../../index.js) for darwin-<arch>. `minos` is the
// oldest macOS supported, passed to the linker as MACOSX_DEPLOYMENT_TARGET
// (zig would write its own default, 15.0, which older Macs refuse); `cpu`
// is the cputype objdump names.
function darwinTarget({ arch, triple, cpu, minos }) {
  const suffix = `darwin-${arch}`
  return {
    target: suffix,
    triple,
    async build(ctx) {
      const env = { ...ctx.lib.zigEnv({ log: ctx.log }), MACOSX_DEPLOYMENT_TARGET: minos }
      const file = ctx.lib.napiBuild(triple, suffix, { args: ['--cross-compile'], env, log: ctx.log })
      const facts = machoFacts(ctx.lib, ctx.log, file)
      const problems = macho.machoProblems(facts, { cpu, minos })
      if (problems.length) throw new Error(`${suffix} binary would not load: ${problems.join('; ')}`)
      const signed = facts.commands.some((c) => c.cmd === 'LC_CODE_SIGNATURE')
      ctx.log(`Mach-O ${facts.header.cpu} ${facts.header.filetype}, links ${macho.linkedLibraries(facts.commands).join(', ')}`)
      return { file, size: fs.statSync(file).size, floor: `macOS ${minos}${signed ? ', ad-hoc signed' : ''}` }
    },
    async run() {
      return { loaded: 'n/a', golden: 'n/a', suites: 'n/a (no macOS runtime here; Mach-O checked)' }
    },
  }
}

module.exports = { darwinTarget, machoFacts }
