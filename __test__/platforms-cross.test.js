// The pure parts of the darwin and win32 targets of `npm run platforms`
// (scripts/platforms/targets/helpers/): reading llvm-objdump's output for
// Mach-O and PE files, and mapping paths for Wine. The texts below are
// excerpts of what llvm-objdump 15 printed for this project's binaries.
// Nothing here downloads, builds or starts Wine.
const macho = require('../scripts/platforms/targets/helpers/macho')
const pe = require('../scripts/platforms/targets/helpers/pe')
const wine = require('../scripts/platforms/targets/helpers/wine')

// `llvm-objdump --macho --private-headers`, darwin-arm64 build (segments cut).
const ARM64_HEADERS = `phase-router.darwin-arm64.node:
Mach header
      magic cputype cpusubtype  caps    filetype ncmds sizeofcmds      flags
MH_MAGIC_64   ARM64        ALL  0x00       DYLIB    18       2232 DYLDLINK TWOLEVEL NO_REEXPORTED_DYLIBS MH_HAS_TLV_DESCRIPTORS
Load command 0
      cmd LC_SEGMENT_64
  cmdsize 712
  segname __TEXT
  sectname __text
   segname __TEXT
Load command 10
          cmd LC_ID_DYLIB
      cmdsize 112
         name /work/wt/target/aarch64-apple-darwin/release/deps/libphase_router_node.dylib (offset 24)
Load command 12
       cmd LC_BUILD_VERSION
   cmdsize 32
  platform macos
       sdk 27.0
     minos 11.0
    ntools 1
      tool 0x000005
   version 0.0
Load command 14
          cmd LC_LOAD_DYLIB
      cmdsize 56
         name /usr/lib/libSystem.B.dylib (offset 24)
   time stamp 2 Thu Jan  1 00:00:02 1970
      current version 1359.0.0
compatibility version 1.0.0
Load command 16
          cmd LC_LOAD_DYLIB
      cmdsize 56
         name /usr/lib/libiconv.2.dylib (offset 24)
   time stamp 2 Thu Jan  1 00:00:02 1970
      current version 7.0.0
compatibility version 7.0.0
Load command 17
      cmd LC_CODE_SIGNATURE
  cmdsize 16
  dataoff 976992
 datasize 7792
`

// The darwin-x64 build declares its minimum with the pre-10.14 command.
const X64_HEADERS = `Mach header
      magic cputype cpusubtype  caps    filetype ncmds sizeofcmds      flags
MH_MAGIC_64  X86_64        ALL  0x00       DYLIB    17       2200 DYLDLINK TWOLEVEL NO_REEXPORTED_DYLIBS MH_HAS_TLV_DESCRIPTORS
Load command 13
      cmd LC_VERSION_MIN_MACOSX
  cmdsize 16
  version 10.13
      sdk 27.0
Load command 14
          cmd LC_LOAD_DYLIB
      cmdsize 56
         name /usr/lib/libSystem.B.dylib (offset 24)
`

const EXPORTS_TRIE = `phase-router.darwin-x64.node:

Exports trie:
0x0010BED8  __mh_dylib_header
0x00056BE0  _napi_register_module_v1
0x000B7E30  _rust_eh_personality
`

const BINDINGS = `phase-router.darwin-arm64.node:

Bind table:
segment  section            address    type       addend dylib            symbol
__DATA_CONST __got              0x000E0008 pointer         0 libSystem        dyld_stub_binder
__DATA   __thread_vars      0x000E9098 pointer         0 libSystem        __tlv_bootstrap
phase-router.darwin-arm64.node:

Lazy bind table:
segment  section            address     dylib            symbol
__DATA   __la_symbol_ptr    0x00108000 flat-namespace   _napi_add_env_cleanup_hook
__DATA   __la_symbol_ptr    0x00108008 flat-namespace   _napi_create_uint32
`

function arm64Facts() {
  return {
    header: macho.parseHeader(ARM64_HEADERS),
    commands: macho.parseLoadCommands(ARM64_HEADERS),
    exports: macho.parseExports(EXPORTS_TRIE),
    bindings: macho.parseBindings(BINDINGS),
  }
}

const ARM64 = { cpu: 'ARM64', minos: '11.0' }

describe('Mach-O output of llvm-objdump', () => {
  test('the header gives the CPU, file type, command count and flags', () => {
    expect(macho.parseHeader(ARM64_HEADERS)).toEqual({
      magic: 'MH_MAGIC_64',
      cpu: 'ARM64',
      filetype: 'DYLIB',
      ncmds: 18,
      flags: ['DYLDLINK', 'TWOLEVEL', 'NO_REEXPORTED_DYLIBS', 'MH_HAS_TLV_DESCRIPTORS'],
    })
    expect(macho.parseHeader(X64_HEADERS).cpu).toBe('X86_64')
    expect(macho.parseHeader('not a Mach-O file')).toBeNull()
  })

  test('load commands keep their order and the first value of each field', () => {
    const commands = macho.parseLoadCommands(ARM64_HEADERS)
    expect(commands.map((c) => c.cmd)).toEqual([
      'LC_SEGMENT_64',
      'LC_ID_DYLIB',
      'LC_BUILD_VERSION',
      'LC_LOAD_DYLIB',
      'LC_LOAD_DYLIB',
      'LC_CODE_SIGNATURE',
    ])
    // The section's repeated segname does not replace the segment's.
    expect(commands[0].fields.segname).toBe('__TEXT')
    expect(commands[2].fields).toMatchObject({ platform: 'macos', sdk: '27.0', minos: '11.0' })
  })

  test('the minimum macOS comes from LC_BUILD_VERSION or LC_VERSION_MIN_MACOSX', () => {
    expect(macho.minimumOS(macho.parseLoadCommands(ARM64_HEADERS))).toBe('11.0')
    expect(macho.minimumOS(macho.parseLoadCommands(X64_HEADERS))).toBe('10.13')
    expect(macho.minimumOS([])).toBeNull()
  })

  test('linked libraries are install names without the offset note; the own id is not one', () => {
    expect(macho.linkedLibraries(macho.parseLoadCommands(ARM64_HEADERS))).toEqual([
      '/usr/lib/libSystem.B.dylib',
      '/usr/lib/libiconv.2.dylib',
    ])
  })

  test('exports come from the exports trie, bindings from the bind tables', () => {
    expect(macho.parseExports(EXPORTS_TRIE)).toEqual(['__mh_dylib_header', '_napi_register_module_v1', '_rust_eh_personality'])
    expect(macho.parseBindings(BINDINGS)).toEqual({
      dyld_stub_binder: 'libSystem',
      __tlv_bootstrap: 'libSystem',
      _napi_add_env_cleanup_hook: 'flat-namespace',
      _napi_create_uint32: 'flat-namespace',
    })
  })

  test('system libraries are those under /usr/lib and /System/Library', () => {
    expect(macho.isSystemLibrary('/usr/lib/libSystem.B.dylib')).toBe(true)
    expect(macho.isSystemLibrary('/System/Library/Frameworks/Security.framework/Versions/A/Security')).toBe(true)
    expect(macho.isSystemLibrary('/opt/homebrew/lib/libz.dylib')).toBe(false)
    expect(macho.isSystemLibrary('@rpath/libnode.dylib')).toBe(false)
  })
})

describe('Mach-O checks', () => {
  test('the arm64 build as linked here passes', () => {
    expect(macho.machoProblems(arm64Facts(), ARM64)).toEqual([])
  })

  test("zig's default minimum (15.0) is caught", () => {
    const facts = arm64Facts()
    facts.commands.find((c) => c.cmd === 'LC_BUILD_VERSION').fields.minos = '15.0'
    expect(macho.machoProblems(facts, ARM64)).toEqual(['minimum macOS 15.0, not 11.0'])
  })

  test('an unsigned arm64 binary is caught; x64 needs no signature', () => {
    const facts = arm64Facts()
    facts.commands = facts.commands.filter((c) => c.cmd !== 'LC_CODE_SIGNATURE')
    expect(macho.machoProblems(facts, ARM64)).toEqual(['no LC_CODE_SIGNATURE (arm64 Macs refuse unsigned code)'])
    const x64 = { ...arm64Facts(), header: macho.parseHeader(X64_HEADERS), commands: macho.parseLoadCommands(X64_HEADERS) }
    expect(macho.machoProblems(x64, { cpu: 'X86_64', minos: '10.13' })).toEqual([])
  })

  test('the wrong CPU, a missing entry point and a non-system library are each named', () => {
    const facts = arm64Facts()
    facts.exports = ['_rust_eh_personality']
    facts.commands.push({ cmd: 'LC_LOAD_DYLIB', fields: { name: '/work/build/libz.dylib' } })
    expect(macho.machoProblems(facts, { cpu: 'X86_64', minos: '11.0' })).toEqual([
      'cpu ARM64, not X86_64',
      'links non-system libraries: /work/build/libz.dylib',
      'does not export _napi_register_module_v1',
    ])
  })

  test('Node-API bound to a library instead of looked up in node is caught', () => {
    const facts = arm64Facts()
    facts.bindings._napi_create_uint32 = 'libnode'
    expect(macho.machoProblems(facts, ARM64)).toEqual([
      'Node-API bound to a library, not looked up in node: _napi_create_uint32 from libnode',
    ])
    facts.bindings = {}
    expect(macho.machoProblems(facts, ARM64)).toEqual(['imports no _napi_ functions'])
  })

  test('text that is not Mach-O gives one problem, not a crash', () => {
    expect(macho.machoProblems({ header: null, commands: [], exports: [], bindings: {} }, ARM64)).toEqual(['no Mach-O header'])
  })
})

// `llvm-objdump -p` of the win32-x64 gnu stand-in (import lists cut).
const PE_TEXT = `phase-router.win32-x64-gnu.node:	file format coff-x86-64
Characteristics 0x2022
	executable
	DLL
Magic                   020b	(PE32+)
MajorOSystemVersion     6
The Import Tables:
  lookup 0010eda4 time 00000000 fwd 00000000 name 0010f8d4 addr 0010f060
    DLL Name: api-ms-win-core-synch-l1-2-0.dll
    Hint/Ord  Name
           3  WaitOnAddress
  lookup 0010edc4 time 00000000 fwd 00000000 name 0010f8fc addr 0010f080
    DLL Name: bcryptprimitives.dll
    Hint/Ord  Name
           1  ProcessPrng
  lookup 0010edd8 time 00000000 fwd 00000000 name 0010f914 addr 0010f090
    DLL Name: KERNEL32.dll
    Hint/Ord  Name
           0  CloseHandle
    DLL Name: api-ms-win-crt-heap-l1-1-0.dll

Export Table:
 DLL name: phase_router_node.dll
 Ordinal base: 1
 Ordinal      RVA  Name
       1  0xe6380  _CRT_INIT
       6  0x547b0  napi_register_module_v1
       7  0xbf160  rust_eh_personality

`

describe('PE output of llvm-objdump', () => {
  const facts = () => ({ format: pe.parseFormat(PE_TEXT), imports: pe.parseImports(PE_TEXT), exports: pe.parseExports(PE_TEXT) })

  test('format, imported DLLs and exported names are read', () => {
    expect(facts()).toEqual({
      format: 'PE32+',
      imports: ['api-ms-win-core-synch-l1-2-0.dll', 'bcryptprimitives.dll', 'KERNEL32.dll', 'api-ms-win-crt-heap-l1-1-0.dll'],
      exports: ['_CRT_INIT', 'napi_register_module_v1', 'rust_eh_personality'],
    })
    expect(pe.parseExports('no table')).toEqual([])
    expect(pe.parseFormat('no header')).toBeNull()
  })

  test('the stand-in as linked here passes', () => {
    expect(pe.peProblems(facts())).toEqual([])
  })

  test('importing Node-API from libnode.dll or node.exe, or a 32-bit image, is caught', () => {
    const bad = { ...facts(), imports: [...facts().imports, 'libnode.dll', 'node.exe'], format: 'PE32' }
    expect(pe.peProblems(bad)).toEqual(['format PE32, not PE32+', 'imports non-system DLLs: libnode.dll, node.exe'])
    expect(pe.peProblems({ ...facts(), exports: [] })).toEqual(['does not export napi_register_module_v1'])
  })
})

describe('Wine paths', () => {
  test('absolute Unix paths map to the Z: drive, spaces kept', () => {
    expect(wine.toWinePath('/work/wt plat/target/phase-router.win32-x64-gnu.node')).toBe(
      'Z:\\work\\wt plat\\target\\phase-router.win32-x64-gnu.node',
    )
    expect(wine.toWinePath('/')).toBe('Z:\\')
  })

  test('relative paths are refused by name', () => {
    expect(() => wine.toWinePath('target/x.node')).toThrow(RangeError)
    expect(() => wine.toWinePath('target/x.node')).toThrow(/target\/x\.node is not an absolute path/)
  })
})

// jest turns the pattern's / into \ on Windows, so one form is enough.
test('the suites left out under Wine are real suites, each with its reason', () => {
  const fs = require('node:fs')
  const { WINE_INAPPLICABLE } = require('../scripts/platforms/targets/win32-x64')
  const { ignorePattern } = require('../scripts/platforms/wasm-suites')
  const pattern = new RegExp(ignorePattern(Object.keys(WINE_INAPPLICABLE)))
  const suites = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js'))
  const left = suites.filter((f) => pattern.test(`/checkout/__test__/${f}`)).map((f) => f.replace(/\.test\.js$/, ''))
  expect(left.sort()).toEqual(Object.keys(WINE_INAPPLICABLE).sort())
  for (const why of Object.values(WINE_INAPPLICABLE)) expect(why).toMatch(/\w{3,} \w{3,} \w{3,}/)
})
