#!/usr/bin/env node
// Packs the tarballs a user on this platform installs: the main package (the
// library), the platform package holding the already-built addon, and the
// command-line tool phase-router-cli (packages/cli, a workspace package that
// depends on the library and owns the plotting dependencies). It is the local
// rehearsal of the release job (.github/workflows/CI.yml), which does the
// same for every target with `napi artifacts` and `napi prepublish`.
//
// Run `npm run package` (builds first) or, with a .node, lib/ and
// packages/cli/lib/ already built, `node scripts/package.js [--out DIR]`.
// Needs no network and no Rust.
'use strict'
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const outArg = process.argv.indexOf('--out')
const out = path.resolve(outArg > 0 ? process.argv[outArg + 1] : path.join(root, 'dist'))
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
const cliDir = path.join(root, 'packages', 'cli')
const binaryName = pkg.napi.binaryName

// On Windows npm is a .cmd script, which execFile can only start via a shell.
const npm = (args, cwd) =>
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, {
    cwd,
    encoding: 'utf8',
    shell: process.platform === 'win32',
    stdio: ['ignore', 'pipe', 'inherit'],
  })

// The addon built for this machine: <binaryName>.<platform>.node at the root.
const built = fs.readdirSync(root).filter((f) => f.startsWith(`${binaryName}.`) && f.endsWith('.node'))
if (built.length !== 1) {
  throw new Error(
    `expected exactly one ${binaryName}.<platform>.node in ${root} (run npm run build:native), found: ${built.join(', ') || 'none'}`,
  )
}
const platform = built[0].slice(binaryName.length + 1, -'.node'.length)
const platformPackage = `${pkg.name}-${platform}`

// 1. Platform package: napi writes npm/<platform>/package.json with the
//    os/cpu/libc fields that make npm install it only where it runs.
execFileSync(process.execPath, [path.join(root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js'), 'create-npm-dirs'], {
  cwd: root,
  stdio: 'ignore',
})
const platformDir = path.join(root, 'npm', platform)
fs.copyFileSync(path.join(root, built[0]), path.join(platformDir, built[0]))

// 2. Main package: exactly the files `npm pack` takes from the root (the
//    `files` whitelist), copied to a staging folder whose package.json names
//    the platform package as an optional dependency, as `napi prepublish`
//    does at release. Only this platform's package is named, so installing
//    the two tarballs never asks the registry for the other seven.
const listing = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'], root))[0]
const stage = path.join(out, 'stage')
fs.rmSync(stage, { recursive: true, force: true })
for (const { path: file } of listing.files) {
  fs.mkdirSync(path.dirname(path.join(stage, file)), { recursive: true })
  fs.copyFileSync(path.join(root, file), path.join(stage, file))
}
const staged = { ...pkg, optionalDependencies: { ...pkg.optionalDependencies, [platformPackage]: pkg.version } }
fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(staged, null, 2) + '\n')

// 3. Pack the three into the output folder. The CLI's manifest already names
//    the library at its version, which the main tarball satisfies.
fs.mkdirSync(out, { recursive: true })
const tarballs = {}
for (const [name, dir] of [
  ['main', stage],
  ['platform', platformDir],
  ['cli', cliDir],
]) {
  const [info] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', out], dir))
  tarballs[name] = {
    file: path.join(out, info.filename),
    size: info.size,
    unpackedSize: info.unpackedSize,
    files: info.files.map((f) => f.path),
  }
}
fs.rmSync(stage, { recursive: true, force: true })
console.log(JSON.stringify({ platform, platformPackage, tarballs }, null, 2))
