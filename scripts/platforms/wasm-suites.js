#!/usr/bin/env node
// The jest suites that do not apply to the WebAssembly build, each with the
// reason. One list for `npm run platforms` (targets/wasm32-wasip1-threads.js)
// and the workflow's test-wasm job, which runs
//   npx jest --testPathIgnorePatterns "$(node scripts/platforms/wasm-suites.js)"
// Run as a script, it prints that pattern.
'use strict'

const INAPPLICABLE = {
  abort:
    'holds the libuv pool with a latch to keep work queued; wasm async work runs on emnapi Workers instead, so the latch holds nothing',
  async: 'the same latch, for inputs changed while work waits in the queue',
  cli: 'the demo must leave stderr empty, and Node prints an ExperimentalWarning for WASI',
  memory: 'wasm memory only grows, so the bound on resident memory cannot hold',
  package:
    "packs and installs this machine's native package and requires it in the jest process, where PHASE_ROUTER_WASM=1 asks for a wasm build that package lacks",
  threads: 'counts the threads RAYON_NUM_THREADS starts; the wasm build always runs the kernel on one thread',
  workers:
    'its terminate case holds the libuv pool with the latch, and a Worker cannot load the wasm build until that pool is free, so the case hangs',
}

// A --testPathIgnorePatterns regular expression matching exactly those suites.
function ignorePattern(names = Object.keys(INAPPLICABLE)) {
  return `/__test__/(${names.join('|')})\\.test\\.js$`
}

module.exports = { INAPPLICABLE, ignorePattern }

if (require.main === module) console.log(ignorePattern())
