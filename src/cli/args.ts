/**
 * Option parsing on node:util `parseArgs`, its errors turned into one clear line.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util'
import { CliError } from './cli-error.js'

type Options = NonNullable<ParseArgsConfig['options']>
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>

/**
 * `--timeout -5` as `--timeout=-5`: parseArgs calls a value starting with a dash "ambiguous", whereas a negative
 * number is plainly a (bad) value, which the option's own check then explains.
 */
function joinNegativeValues(args: string[], options: Options): string[] {
  const out: string[] = []
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!
    const next = args[index + 1]
    const name = arg.startsWith('--') ? arg.slice(2) : undefined
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`)
      index++
    } else out.push(arg)
  }
  return out
}

export function parse<O extends Options>(command: string, args: string[], options: O, positionals = 0): Parsed<O> {
  try {
    const parsed = parseArgs({ args: joinNegativeValues(args, options), options, allowPositionals: true, strict: true })
    if (positionals === 0 && parsed.positionals.length > 0) {
      throw new CliError(`${command}: unexpected argument ${JSON.stringify(parsed.positionals[0])}`)
    }
    if (parsed.positionals.length > positionals) {
      throw new CliError(`${command}: unexpected argument ${JSON.stringify(parsed.positionals[positionals])}`)
    }
    return parsed
  } catch (error) {
    if (error instanceof CliError) throw error
    // parseArgs' messages are one line already, e.g. "Unknown option '--prot'".
    const message = (error as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '')
    throw new CliError(`${command}: ${message} (see rpc-web-hooks ${command} --help)`)
  }
}

/** An integer option within bounds. */
export function integer(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  const number = Number(value)
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new CliError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`)
  }
  return number
}
