/**
 * `rpc-web-hooks replay`: lists the dead letters of a durable store (SQLite file or BullMQ on Redis) and puts them
 * back to be delivered (issue 7). The stores are optional peer dependencies, loaded only when asked for.
 */
import { existsSync } from 'node:fs'
import type { WebHookDeadLetter } from '../contracts/store.js'
import { parse } from './args.js'
import { CliError } from './cli-error.js'

export const REPLAY_HELP = `Usage: rpc-web-hooks replay (--sqlite <file> | --redis <url>) [--id <id>… | --all]

Lists the dead letters (deliveries that failed for good) of a durable outbox, or puts them back to be delivered,
with their attempts reset and the same webhook-id. Without --id or --all, only lists them.
SQLite: the next process that opens the file delivers them. Redis: any running BullMQ worker delivers them.

Options:
  --sqlite <file>     the SQLite outbox (sqliteStore({ filename }); needs better-sqlite3)
  --redis <url>       the Redis of a bullmqStore, e.g. redis://:password@127.0.0.1:6379/0 (needs bullmq)
  --queue <name>      the BullMQ queue name (default: rpc-web-hooks)
  --prefix <prefix>   the BullMQ key prefix (default: bull)
  --id <id>           replay this dead letter (repeatable)
  --all               replay every dead letter
  --json              print the dead letters as JSON lines
  -h, --help          show this help

Examples:
  rpc-web-hooks replay --sqlite /var/lib/my-server/web-hooks.db
  rpc-web-hooks replay --sqlite /var/lib/my-server/web-hooks.db --id msg_2hX… --id msg_9Qa…
  rpc-web-hooks replay --redis redis://127.0.0.1:6379 --all`

export interface ReplayIo {
  stdout: NodeJS.WritableStream
}

/** The part of a store the command uses. */
interface Outbox {
  list(): Promise<WebHookDeadLetter[]>
  replay(ids?: readonly string[]): Promise<string[]>
  close(): Promise<void>
}

/** How long the command waits for Redis, ms. */
const REDIS_TIMEOUT = 5000

async function sqliteOutbox(filename: string): Promise<Outbox> {
  if (!existsSync(filename)) throw new CliError(`--sqlite: no such file ${JSON.stringify(filename)}`, 1)
  // A missing better-sqlite3 is a WebHookStoreError naming the package to install (src/stores/peer.ts).
  const { sqliteStore } = await import('../stores/sqlite/index.js')
  const store = sqliteStore({ filename })
  return {
    list: async () => store.listDeadLetters(),
    replay: async ids => store.replayDeadLetters(ids),
    close: async () => store.close(),
  }
}

function redisConnection(text: string) {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new CliError(`--redis must be a URL such as redis://127.0.0.1:6379, got ${JSON.stringify(text)}`)
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new CliError(`--redis must start with redis:// or rediss://, got ${JSON.stringify(url.protocol)}`)
  }
  const db = url.pathname.replace(/^\//, '')
  return {
    host: url.hostname || '127.0.0.1',
    port: url.port === '' ? 6379 : Number(url.port),
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
    ...(db === '' ? {} : { db: Number(db) }),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    connectTimeout: REDIS_TIMEOUT,
  }
}

async function redisOutbox(text: string, queueName: string | undefined, prefix: string | undefined): Promise<Outbox> {
  const connection = redisConnection(text)
  const { bullmqStore } = await import('../stores/bullmq/index.js')
  const store = bullmqStore({
    connection,
    worker: false,
    ...(queueName === undefined ? {} : { queueName }),
    ...(prefix === undefined ? {} : { prefix }),
  })
  const where = `${connection.host}:${connection.port}`
  const unreachable = (why: string) => new CliError(`cannot reach Redis at ${where}: ${why}`, 1)
  // The first connection error ends the command at once; otherwise it waits at most REDIS_TIMEOUT.
  let failed: (error: CliError) => void = () => {}
  const failure = new Promise<never>((_, reject) => {
    failed = reject
  })
  failure.catch(() => {})
  await store.open?.({ onError: error => failed(unreachable(((error.cause as Error) ?? error).message)) })
  const bounded = async <T>(work: Promise<T>, ms = REDIS_TIMEOUT): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(unreachable(`no answer within ${ms} ms`)), ms)
    })
    try {
      return await Promise.race([work, failure, timeout])
    } catch (error) {
      throw error instanceof CliError ? error : unreachable((error as Error).message)
    } finally {
      clearTimeout(timer)
    }
  }
  return {
    list: () => bounded(store.listDeadLetters()),
    replay: ids => bounded(store.replayDeadLetters(ids)),
    close: () => store.close(),
  }
}

function describeLetter(letter: WebHookDeadLetter): string {
  const when = new Date(letter.failedAt).toISOString()
  const status = letter.status === undefined ? '' : ` ${letter.status}`
  return `${letter.id}  ${when}  ${letter.type} ${letter.method} → ${letter.url}  ${letter.code}${status} after ${letter.attempts} attempt(s): ${letter.message}`
}

/** Runs the command; resolves with the exit code. */
export async function replay(args: string[], io: ReplayIo): Promise<number> {
  const { values } = parse('replay', args, {
    sqlite: { type: 'string' },
    redis: { type: 'string' },
    queue: { type: 'string' },
    prefix: { type: 'string' },
    id: { type: 'string', multiple: true },
    all: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help) {
    io.stdout.write(`${REPLAY_HELP}\n`)
    return 0
  }
  if ((values.sqlite === undefined) === (values.redis === undefined)) {
    throw new CliError('replay: pass one of --sqlite <file> or --redis <url> (see rpc-web-hooks replay --help)')
  }
  if (values.all && values.id !== undefined) throw new CliError('replay: pass --id or --all, not both')
  if ((values.queue !== undefined || values.prefix !== undefined) && values.redis === undefined) {
    throw new CliError('replay: --queue and --prefix go with --redis')
  }
  const outbox =
    values.sqlite === undefined
      ? await redisOutbox(values.redis!, values.queue, values.prefix)
      : await sqliteOutbox(values.sqlite)
  try {
    if (!values.all && values.id === undefined) {
      const letters = await outbox.list()
      for (const letter of letters)
        io.stdout.write(`${values.json ? JSON.stringify(letter) : describeLetter(letter)}\n`)
      if (!values.json) {
        io.stdout.write(
          letters.length === 0
            ? 'No dead letter.\n'
            : `${letters.length} dead letter(s); replay with --id <id> or --all\n`
        )
      }
      return 0
    }
    const replayed = await outbox.replay(values.id)
    const missing = (values.id ?? []).filter(id => !replayed.includes(id))
    io.stdout.write(
      `Replayed ${replayed.length} dead letter(s)${replayed.length > 0 ? `: ${replayed.join(' ')}` : ''}\n`
    )
    if (missing.length > 0) throw new CliError(`replay: no dead letter with id ${missing.join(', ')}`, 1)
    return 0
  } finally {
    await outbox.close()
  }
}
