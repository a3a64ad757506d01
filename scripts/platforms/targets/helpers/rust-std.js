// Whether rustc has a standard library for a target, judged by its files.
'use strict'

const fs = require('node:fs')

// rustup can call a target missing whose files are in place (an interrupted
// `rustup target add` leaves them unregistered, and the next add stops with
// "detected conflict"), so the sysroot decides, not rustup's list.
function hasRustStd(lib, triple) {
  const dir = lib.sh('rustc', ['--print', 'target-libdir', '--target', triple]).trim()
  return fs.existsSync(dir) && fs.readdirSync(dir).some((f) => /^libstd-\w+\.rlib$/.test(f))
}

module.exports = { hasRustStd }
