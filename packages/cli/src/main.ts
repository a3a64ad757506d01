// Entry of the `phase-router` command line: picks the command, parses its
// flags, and turns usage mistakes into a message and exit code 2.

import { benchCommand, runBench } from './bench'
import { demoCommand, runDemo } from './demo'
import { moeCommand, runMoe } from './moe'
import { type Command, helpText, parseFlags, UsageError, type Values } from './options'

type Runner = (values: Values, log: (line: string) => void, progress: (message: string) => void) => void | Promise<void>

const COMMANDS: [Command, Runner][] = [
  [demoCommand, runDemo],
  [moeCommand, runMoe],
  [benchCommand, runBench],
]

function overview(): string {
  const width = Math.max(...COMMANDS.map(([c]) => c.name.length))
  return [
    'Usage: phase-router <command> [flags]',
    '',
    'Commands:',
    ...COMMANDS.map(([c]) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'phase-router <command> --help' for a command's flags.",
  ].join('\n')
}

/** Runs the command line `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const log = (line: string) => process.stdout.write(line + '\n')
  const progress = (message: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`)
  const [name, ...rest] = argv
  if (name === '--help' || name === '-h' || name === 'help') {
    log(overview())
    return 0
  }
  if (name === undefined) {
    process.stderr.write(`phase-router: no command given\n\n${overview()}\n`)
    return 2
  }
  const entry = COMMANDS.find(([c]) => c.name === name)
  if (!entry) {
    process.stderr.write(`phase-router: unknown command '${name}'\n\n${overview()}\n`)
    return 2
  }
  const [command, run] = entry
  try {
    const values = parseFlags(command, rest)
    if (values === null) {
      log(helpText(command))
      return 0
    }
    await run(values, log, progress)
    return 0
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`phase-router ${command.name}: ${error.message}\nRun 'phase-router ${command.name} --help' for usage.\n`)
    return 2
  }
}
