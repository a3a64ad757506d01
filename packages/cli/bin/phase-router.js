#!/usr/bin/env node
// The `phase-router` command; the CLI itself is compiled from src/ to lib/.
'use strict'

require('../lib/main.js')
  .main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code
    },
    (error) => {
      console.error(error)
      process.exitCode = 1
    },
  )
