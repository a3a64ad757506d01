// darwin-x64 (Intel Macs, macOS 10.13 and later): see helpers/darwin.js.
module.exports = require('./helpers/darwin').darwinTarget({
  arch: 'x64',
  triple: 'x86_64-apple-darwin',
  cpu: 'X86_64',
  minos: '10.13',
})
