// llvm-objdump, which reads Mach-O and PE files on Linux: Debian 12's
// llvm-15, unpacked (not installed) into the platforms cache.
'use strict'

const path = require('node:path')

// The path of llvm-objdump, fetched on first use.
function llvmObjdump(lib, log) {
  const root = lib.debianRoot('llvm-15', { suite: 'bookworm', arch: 'amd64', packages: ['llvm-15', 'libllvm15'], log })
  return path.join(root, 'usr', 'lib', 'llvm-15', 'bin', 'llvm-objdump')
}

// llvm-objdump's output for `args` on `file`.
function objdump(lib, log, args, file) {
  return lib.sh(llvmObjdump(lib, log), [...args, file])
}

module.exports = { llvmObjdump, objdump }
