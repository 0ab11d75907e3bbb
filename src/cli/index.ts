#!/usr/bin/env node
/**
 * The `rpc-web-hooks` command: `listen` (a development receiver), `test` (send XO's sample hooks to a URL) and
 * `secret` (make a signing secret).
 */
import { generateSecret } from '../security/secret.js'
import { CliError } from './cli-error.js'
import { LISTEN_HELP, listen } from './listen.js'
import { REPLAY_HELP, replay } from './replay.js'
import { sendTest, TEST_HELP } from './send-test.js'
import { readVersion } from './version.js'

const HELP = `Usage: rpc-web-hooks <command> [options]

Commands:
  listen          run a development receiver that prints each hook (and can answer vetoes)
  test <url>      send Xen Orchestra's sample pre and post hooks to <url>, report status and latency
  replay          list or replay the dead letters of a durable outbox (--sqlite <file> or --redis <url>)
  secret          print a new Standard Webhooks secret (whsec_…) for a hook and its receiver

Options:
  -h, --help      show this help (rpc-web-hooks <command> --help for a command's)
  -v, --version   print the version

Exit codes: 0 success, 1 failure (a hook was not accepted, the port is taken…), 2 usage error.`

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args
  switch (command) {
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(`${HELP}\n`)
      return 0
    case 'help':
      process.stdout.write(
        `${rest[0] === 'listen' ? LISTEN_HELP : rest[0] === 'test' ? TEST_HELP : rest[0] === 'replay' ? REPLAY_HELP : HELP}\n`
      )
      return 0
    case '-v':
    case '--version':
      process.stdout.write(`${readVersion()}\n`)
      return 0
    case 'listen': {
      const server = await listen(rest, process)
      if (server === undefined) return 0
      await new Promise<void>(resolve => {
        const stop = (signal: NodeJS.Signals) => {
          // Ctrl+C leaves the terminal after "^C": end that line so the shell prompt starts on its own.
          if (signal === 'SIGINT') process.stderr.write('\n')
          void server.close().then(resolve)
        }
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
      return 0
    }
    case 'test':
      return sendTest(rest, process)
    case 'replay':
      return replay(rest, process)
    case 'secret':
      if (rest.length > 0 && rest[0] !== '--help' && rest[0] !== '-h') {
        throw new CliError(`secret: unexpected argument ${JSON.stringify(rest[0])} (it takes none)`)
      }
      process.stdout.write(
        rest.length > 0
          ? 'Usage: rpc-web-hooks secret\n\nPrints a new whsec_ secret (32 random bytes).\n'
          : `${generateSecret()}\n`
      )
      return 0
    default:
      throw new CliError(
        `unknown command ${JSON.stringify(command)}: expected listen, test, replay or secret (see rpc-web-hooks --help)`
      )
  }
}

main(process.argv.slice(2)).then(
  code => {
    process.exitCode = code
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error)
    process.stderr.write(`rpc-web-hooks: ${message}\n`)
    process.exitCode = error instanceof CliError ? error.exitCode : 1
  }
)
