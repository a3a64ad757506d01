// linux-x64-musl (Alpine and other musl distributions): see ../musl.js.
module.exports = require('../musl').muslTarget('x64', 'x86_64-unknown-linux-musl')
