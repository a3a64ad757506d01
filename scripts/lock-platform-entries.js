#!/usr/bin/env node
// Adds package-lock.json entries for platform-specific optional packages
// that npm could not record.
//
// Why: the npm registry reachable from this project's machines does not
// serve every platform build of the napi-rs tools (@napi-rs/lzma-darwin-x64
// and the like answer 404), so `npm install` leaves them out of the lock
// file, and `npm ci` then refuses the lock file as "Missing: <name>@ from
// lock file" (npm/cli#9846). On a real macOS or Windows runner the same gap
// would make `npm ci` fail for the packages that platform does need.
//
// The entries written here carry the version and the os/cpu/libc fields
// derived from the napi-rs naming scheme (<name>-<os>-<cpu>[-<abi>]), so
// npm skips them everywhere except the platform they are for, where it
// fetches them by name and version. `npm install` keeps such entries.
//
// Usage: node scripts/lock-platform-entries.js [package-lock.json]
'use strict'
const fs = require('node:fs')

const file = process.argv[2] || 'package-lock.json'
const lock = JSON.parse(fs.readFileSync(file, 'utf8'))
const pkgs = lock.packages
const LIBC = { gnu: 'glibc', musl: 'musl' }
const added = []

for (const entry of Object.values(pkgs)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies || {})) {
    const key = `node_modules/${name}`
    if (pkgs[key]) continue
    const m = name.match(/-(android|openharmony|darwin|freebsd|linux|win32|wasm32)-?([a-z0-9]*)-?([a-z]*)$/)
    if (!m) {
      console.error(`left alone (not a platform package name): ${name}`)
      continue
    }
    const stub = { version, dev: Boolean(entry.dev), optional: true }
    if (m[1] === 'wasm32') {
      stub.cpu = ['wasm32']
    } else {
      stub.os = [m[1]]
      stub.cpu = [m[2]]
      if (LIBC[m[3]]) stub.libc = [LIBC[m[3]]]
    }
    pkgs[key] = stub
    added.push(name)
  }
}

fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n')
console.log(`added ${added.length} platform entries to ${file}`)
