// A small flag parser shared by the commands. Each command declares its flags
// once; the same declarations drive parsing, validation and --help, so the
// help text cannot drift from what is accepted.

/** A mistake in the command line: printed with a hint, exit code 2. */
export class UsageError extends Error {}

interface FlagBase {
  /** Long name without dashes, e.g. `experts` for `--experts`. */
  name: string
  /** One-letter alias without the dash, e.g. `n` for `-n`. */
  alias?: string
  help: string
}

export type Flag =
  | (FlagBase & { kind: 'int'; default: number; min: number; max?: number })
  | (FlagBase & { kind: 'number'; default: number; min: number; max?: number })
  | (FlagBase & { kind: 'choice'; default: string; choices: readonly string[] })
  | (FlagBase & { kind: 'string'; default: string })

export interface Command {
  name: string
  summary: string
  flags: Flag[]
}

export type Values = Record<string, number | string>

function convert(flag: Flag, raw: string): number | string {
  const where = `--${flag.name}`
  switch (flag.kind) {
    case 'string':
      if (raw === '') throw new UsageError(`${where}: expected a value`)
      return raw
    case 'choice':
      if (!flag.choices.includes(raw)) throw new UsageError(`${where}: '${raw}' is not one of ${flag.choices.join(', ')}`)
      return raw
    case 'int':
    case 'number': {
      const value = raw.trim() === '' ? NaN : Number(raw)
      const what = flag.kind === 'int' ? 'an integer' : 'a number'
      if (!Number.isFinite(value) || (flag.kind === 'int' && !Number.isInteger(value))) {
        throw new UsageError(`${where}: '${raw}' is not ${what}`)
      }
      if (value < flag.min || (flag.max !== undefined && value > flag.max)) {
        const range = flag.max === undefined ? `>= ${flag.min}` : `in [${flag.min}, ${flag.max}]`
        throw new UsageError(`${where}: ${raw} is not ${range}`)
      }
      return value
    }
  }
}

/** Parses `--name value`, `--name=value` and `-a value`; returns null when help was asked for. */
export function parseFlags(command: Command, argv: string[]): Values | null {
  const values: Values = {}
  for (const flag of command.flags) values[flag.name] = flag.default
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--help' || arg === '-h') return null
    const long = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg)
    const short = /^-([a-zA-Z])$/.exec(arg)
    const flag = long ? command.flags.find((f) => f.name === long[1]) : short ? command.flags.find((f) => f.alias === short[1]) : undefined
    if (!flag) throw new UsageError(`${command.name}: unknown ${arg.startsWith('-') ? 'flag' : 'argument'} '${arg}'`)
    let raw = long?.[2]
    if (raw === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`--${flag.name}: expected a value`)
      raw = argv[++i]
    }
    values[flag.name] = convert(flag, raw)
  }
  return values
}

export function helpText(command: Command): string {
  const lines = [`Usage: phase-router ${command.name} [flags]`, '', command.summary, '', 'Flags:']
  const names = command.flags.map((f) => (f.alias ? `-${f.alias}, ` : '    ') + `--${f.name}`)
  const width = Math.max(...names.map((s) => s.length), '-h, --help'.length)
  command.flags.forEach((flag, i) => {
    const choices = flag.kind === 'choice' ? ` (${flag.choices.join(', ')})` : ''
    lines.push(`  ${names[i].padEnd(width)}  ${flag.help}${choices} [default: ${flag.default}]`)
  })
  lines.push(`  ${'-h, --help'.padEnd(width)}  show this help`)
  return lines.join('\n')
}
