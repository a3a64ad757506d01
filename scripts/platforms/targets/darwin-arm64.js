// darwin-arm64 (Apple silicon; macOS 11.0, the first to run on it): see
// helpers/darwin.js.
module.exports = require('./helpers/darwin').darwinTarget({
  arch: 'arm64',
  triple: 'aarch64-apple-darwin',
  cpu: 'ARM64',
  minos: '11.0',
})
