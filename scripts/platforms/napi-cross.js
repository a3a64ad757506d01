#!/usr/bin/env node
// Gets napi's --use-napi-cross toolchains (gcc with a glibc 2.17 sysroot,
// from npm) ready for the linux-*-gnu builds.
//
// `@napi-rs/cross-toolchain` <version> downloads the package
// `@napi-rs/cross-toolchain-<host>-target-<cpu>@<version>`, but not every
// target package is published at every version: at 1.0.3 (the version
// package.json pins) the aarch64 one exists and the x86_64 one does not
// (its newest is 1.0.0). napi skips the download when the toolchain folder
// (~/.napi-rs/cross-toolchain/<version>/<triple>) already holds a
// package.json, so a missing version is filled in here from the newest
// published one.
//
// Usage (the workflow's x86_64 glibc build runs it):
//   node scripts/platforms/napi-cross.js <triple>
// It also fetches @napi-rs/lzma's binary where npm skipped it (see below).
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const lib = require('./lib')

const HOST = { x64: 'x64', arm64: 'arm64' }

// The version of @napi-rs/cross-toolchain that napi's CLI loads.
function toolchainVersion() {
  const cli = path.dirname(require.resolve('@napi-rs/cli', { paths: [lib.ROOT] }))
  const manifest = require.resolve('@napi-rs/cross-toolchain/package.json', { paths: [cli] })
  return JSON.parse(fs.readFileSync(manifest, 'utf8')).version
}

// The version to unpack for `wanted`: itself when published, else the newest
// published one below it; null when there is none.
function pickVersion(published, wanted) {
  if (published.includes(wanted)) return wanted
  const compare = (x, y) => {
    const [a, b] = [x.split('.').map(Number), y.split('.').map(Number)]
    return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]
  }
  const older = published.filter((v) => compare(v, wanted) < 0).sort(compare)
  return older.at(-1) ?? null
}

// Makes sure napi finds a toolchain for `triple`; returns a note saying what
// was done (nothing, when napi can download its own version).
function ensureToolchain(triple, { log } = {}) {
  const version = toolchainVersion()
  const dest = path.join(os.homedir(), '.napi-rs', 'cross-toolchain', version, triple)
  if (fs.existsSync(path.join(dest, 'package.json'))) return `toolchain ${version} present`
  const pkg = `@napi-rs/cross-toolchain-${HOST[process.arch]}-target-${triple.split('-')[0]}`
  const published = JSON.parse(lib.sh('npm', ['view', pkg, 'versions', '--json'], { log }))
  const chosen = pickVersion(published, version)
  if (chosen === version) return `napi downloads ${pkg}@${version}`
  if (!chosen) throw new Error(`no version of ${pkg} at or below ${version} is published`)
  log?.(`${pkg}@${version} is not published; unpacking ${chosen} as ${version}`)
  const unpacked = lib.npmPackage(`${pkg}@${chosen}`, { log })
  // Unpacked beside it and renamed, so that an interrupted run leaves no
  // half toolchain that napi would take as complete.
  const partial = `${dest}.partial`
  fs.rmSync(partial, { recursive: true, force: true })
  fs.mkdirSync(partial, { recursive: true })
  lib.sh('tar', ['xJf', path.join(unpacked, `${triple}.tar.xz`), '-C', partial], { log })
  fs.rmSync(dest, { recursive: true, force: true })
  fs.renameSync(partial, dest)
  return `${pkg}@${chosen} unpacked as ${version}`
}

// napi's --use-napi-cross unpacks its toolchain with @napi-rs/lzma, whose
// binary npm skips under Node < 22.20 (its `engines`), although it loads
// there. Unpacks that binary into node_modules when it is missing.
function ensureLzmaBinary({ log } = {}) {
  const cli = path.dirname(require.resolve('@napi-rs/cli', { paths: [lib.ROOT] }))
  const cross = path.dirname(require.resolve('@napi-rs/cross-toolchain', { paths: [cli] }))
  const lzma = require.resolve('@napi-rs/lzma', { paths: [cross] })
  try {
    require(lzma)
    return
  } catch {
    // Missing binary: fetched below.
  }
  const { version } = JSON.parse(fs.readFileSync(path.join(path.dirname(lzma), 'package.json'), 'utf8'))
  const name = `@napi-rs/lzma-${process.platform}-${process.arch}-gnu`
  const unpacked = lib.npmPackage(`${name}@${version}`, { log })
  fs.cpSync(unpacked, path.join(lib.ROOT, 'node_modules', name), { recursive: true })
}

// Everything `napi build --use-napi-cross --target <triple>` needs here.
function prepare(triple, { log } = {}) {
  ensureLzmaBinary({ log })
  log?.(ensureToolchain(triple, { log }))
}

// A glibc target built as the release builds it: napi's cross toolchain
// (gcc with a glibc 2.17 sysroot); returns the binary's { file, size, floor }.
function build(ctx, triple, suffix) {
  prepare(triple, { log: ctx.log })
  const file = ctx.lib.napiBuild(triple, suffix, { args: ['--use-napi-cross'], log: ctx.log })
  return ctx.lib.elfFacts(file)
}

module.exports = { prepare, build, ensureToolchain, pickVersion }

if (require.main === module) {
  const [triple] = process.argv.slice(2)
  try {
    prepare(triple, { log: (msg) => console.error(msg) })
  } catch (err) {
    console.error(err.message)
    process.exitCode = 1
  }
}
