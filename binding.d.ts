// Types of the loaded addon: binding.js returns the module that napi built,
// whose declarations napi generates into native.d.ts at build time.
export * from './native'
