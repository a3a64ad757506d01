// linux-arm64-musl (Alpine on arm64): see ../musl.js; run under qemu-user.
module.exports = require('../musl').muslTarget('arm64', 'aarch64-unknown-linux-musl')
