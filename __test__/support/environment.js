// Jest runs each suite in its own V8 context, but the native addon creates its
// typed arrays and errors in Node's main context, where `instanceof` against
// the suite's own constructors would fail. This environment hands the suites
// the main context's constructors, so tests see what a plain Node user sees.
const { TestEnvironment } = require('jest-environment-node')

const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'Error',
  'TypeError',
  'RangeError',
  'Promise',
]

class MainContextEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context)
    for (const name of SHARED) this.global[name] = globalThis[name]
  }
}

module.exports = MainContextEnvironment
