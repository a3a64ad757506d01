// Reading a Mach-O addon (darwin-x64, darwin-arm64) from the text that
// llvm-objdump prints, so the platforms script can check a binary it cannot
// run: what it is for, which macOS it needs, what it links and exports.
// Pure functions of that text; objdump.js runs the tool.
'use strict'

// The Mach header line of `llvm-objdump --macho --private-headers`, e.g.
//   MH_MAGIC_64   ARM64        ALL  0x00       DYLIB    18       2232 DYLDLINK TWOLEVEL ...
// as { magic, cpu, filetype, ncmds, flags }; null when there is none.
function parseHeader(text) {
  const lines = text.split('\n')
  const at = lines.findIndex((line) => /^\s*magic\s+cputype\s/.test(line))
  if (at < 0 || !lines[at + 1]) return null
  const [magic, cpu, , , filetype, ncmds, , ...flags] = lines[at + 1].trim().split(/\s+/)
  return { magic, cpu, filetype, ncmds: Number(ncmds), flags }
}

// The load commands of `--private-headers` output, in file order, each as
// { cmd, fields }, where fields maps a key to its first value in the block
// ("minos" -> "11.0", "name" -> "/usr/lib/libSystem.B.dylib"). Segment
// blocks repeat keys once per section; only the first is kept, which is
// enough for the commands checked here.
function parseLoadCommands(text) {
  const commands = []
  let current = null
  for (const line of text.split('\n')) {
    if (/^Load command \d+$/.test(line.trim())) {
      current = { cmd: null, fields: {} }
      commands.push(current)
      continue
    }
    const m = current && line.match(/^\s*(\S+)\s+(.*?)\s*$/)
    if (!m) continue
    const [, key, value] = m
    if (key === 'cmd' && current.cmd === null) current.cmd = value
    else if (!(key in current.fields)) current.fields[key] = value.replace(/ \(offset \d+\)$/, '')
  }
  return commands
}

// The minimum macOS version a binary declares: LC_BUILD_VERSION's minos
// (what current linkers write) or LC_VERSION_MIN_MACOSX's version (what
// they write for targets older than 10.14); null when neither is there.
function minimumOS(commands) {
  const build = commands.find((c) => c.cmd === 'LC_BUILD_VERSION')
  if (build?.fields.minos) return build.fields.minos
  const legacy = commands.find((c) => c.cmd === 'LC_VERSION_MIN_MACOSX')
  return legacy?.fields.version || null
}

// The libraries a binary loads (LC_LOAD_DYLIB and its weak and re-export
// variants), by install name.
function linkedLibraries(commands) {
  return commands.filter((c) => /^LC_(LOAD|LOAD_WEAK|REEXPORT)_DYLIB$/.test(c.cmd)).map((c) => c.fields.name)
}

// The symbol names of `llvm-objdump --macho --exports-trie` output, whose
// entries read "0x00056BE0  _napi_register_module_v1".
function parseExports(text) {
  return [...text.matchAll(/^0x[0-9A-Fa-f]+\s+(\S+)/gm)].map((m) => m[1])
}

// { symbol: dylib } of `--bind` and `--lazy-bind` output, whose rows end in
// "<dylib> <symbol>" (the dylib is "flat-namespace" for symbols looked up
// at load time in whatever loaded the binary, here node).
function parseBindings(text) {
  const bindings = {}
  for (const line of text.split('\n')) {
    const cells = line
      .trim()
      .replace(/ \(weak_import\)$/, '')
      .split(/\s+/)
    if (cells.length < 5 || !/^0x/.test(cells[2])) continue
    bindings[cells.at(-1)] = cells.at(-2)
  }
  return bindings
}

// Libraries every Mac has; anything else would be a path on the machine
// that built the binary.
function isSystemLibrary(name) {
  return name.startsWith('/usr/lib/') || name.startsWith('/System/Library/')
}

// The problems that would stop node on a Mac of `expected.minos` and
// `expected.cpu` ('X86_64' or 'ARM64') from loading the addon; [] when none.
// `facts` = { header, commands, exports, bindings } as parsed above.
function machoProblems(facts, expected) {
  const { header, commands, exports, bindings } = facts
  if (!header) return ['no Mach-O header']
  const problems = []
  if (header.magic !== 'MH_MAGIC_64') problems.push(`magic ${header.magic}, not MH_MAGIC_64`)
  if (header.cpu !== expected.cpu) problems.push(`cpu ${header.cpu}, not ${expected.cpu}`)
  if (header.filetype !== 'DYLIB') problems.push(`file type ${header.filetype}, not DYLIB`)
  const minos = minimumOS(commands)
  if (minos !== expected.minos) problems.push(`minimum macOS ${minos ?? 'not declared'}, not ${expected.minos}`)
  // Apple silicon refuses to map code without a signature; the linker adds
  // an ad-hoc one, which is all an addon needs.
  const signed = commands.some((c) => c.cmd === 'LC_CODE_SIGNATURE')
  if (expected.cpu === 'ARM64' && !signed) problems.push('no LC_CODE_SIGNATURE (arm64 Macs refuse unsigned code)')
  const foreign = linkedLibraries(commands).filter((name) => !isSystemLibrary(name))
  if (foreign.length) problems.push(`links non-system libraries: ${foreign.join(', ')}`)
  if (!exports.includes('_napi_register_module_v1')) problems.push('does not export _napi_register_module_v1')
  // Node-API functions live in the node executable: they must be bound by
  // name at load time (flat namespace), not to some library.
  const napi = Object.entries(bindings).filter(([symbol]) => symbol.startsWith('_napi_'))
  if (napi.length === 0) problems.push('imports no _napi_ functions')
  const tied = napi.filter(([, dylib]) => dylib !== 'flat-namespace').map(([symbol, dylib]) => `${symbol} from ${dylib}`)
  if (tied.length) problems.push(`Node-API bound to a library, not looked up in node: ${tied.join(', ')}`)
  return problems
}

module.exports = {
  parseHeader,
  parseLoadCommands,
  minimumOS,
  linkedLibraries,
  parseExports,
  parseBindings,
  isSystemLibrary,
  machoProblems,
}
