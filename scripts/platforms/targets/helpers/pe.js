// Reading a Windows addon (a PE32+ DLL) from `llvm-objdump -p` output: the
// DLLs it imports and the names it exports. Pure functions of that text.
'use strict'

// The DLL names of the import tables ("    DLL Name: KERNEL32.dll").
function parseImports(text) {
  return [...text.matchAll(/^\s*DLL Name: (\S+)\s*$/gm)].map((m) => m[1])
}

// The names of the export table: the rows "  <ordinal>  <rva>  <name>"
// after "Export Table:", up to the first blank line.
function parseExports(text) {
  const start = text.indexOf('Export Table:')
  if (start < 0) return []
  const block = text.slice(start).split(/\n\s*\n/)[0]
  return [...block.matchAll(/^\s*\d+\s+0x[0-9a-fA-F]+\s+(\S+)\s*$/gm)].map((m) => m[1])
}

// The PE magic: 'PE32+' for a 64-bit image, null when the text has none.
function parseFormat(text) {
  return text.match(/^Magic\s+\S+\s+\((PE32\+?)\)/m)?.[1] || null
}

// DLLs every Windows 10 or later has: the core system DLLs, the universal C
// runtime's api sets, and bcryptprimitives (Rust's source of random bytes).
const SYSTEM_DLL = /^(kernel32|ntdll|advapi32|bcrypt|bcryptprimitives|ws2_32|userenv|ucrtbase|api-ms-win-[\w-]+)\.dll$/i

// The problems that would stop Windows node from loading the addon; []
// when none. With napi's dyn-symbols feature the Node-API functions are
// looked up in the running node.exe, so the DLL must not import them from
// node.exe or from the empty libnode.dll that satisfied the build.
function peProblems({ format, imports, exports }) {
  const problems = []
  if (format !== 'PE32+') problems.push(`format ${format ?? 'unknown'}, not PE32+`)
  const foreign = imports.filter((dll) => !SYSTEM_DLL.test(dll))
  if (foreign.length) problems.push(`imports non-system DLLs: ${foreign.join(', ')}`)
  if (!exports.includes('napi_register_module_v1')) problems.push('does not export napi_register_module_v1')
  return problems
}

module.exports = { parseImports, parseExports, parseFormat, peProblems, SYSTEM_DLL }
