/**
 * A web-hook receiver: a modern take on the Node receiver of Xen Orchestra's documentation. It logs each hook and
 * runs a command per method (here a harmless `echo`, through execFile: no shell), and answers once the command is
 * done, so a `waitForResponse` pre hook waits for it.
 *
 * Run it: `npx tsx examples/receiver.ts` (listens on 127.0.0.1:3001).
 */
import { execFile } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import type { WebHookPayload } from '../src/index.js'

const run = promisify(execFile)

/** A command per method: program and arguments (the payload is appended as the last argument, as JSON). */
export type Commands = Record<string, readonly [file: string, ...args: string[]]>

const DEFAULT_COMMANDS: Commands = {
  'vm.start': ['echo', 'starting a VM'],
  'vm.stop': ['echo', 'stopping a VM'],
}

export interface HookReceiver {
  url: string
  /** Every payload received, in order. */
  received: WebHookPayload[]
  /** Resolves once `count` payloads have arrived. */
  waitFor(count: number): Promise<void>
  close(): Promise<void>
}

/** One readable line per hook: `pre  vm.start by alice@example.com {"id":"vm-1"}`. */
export function describePayload(payload: WebHookPayload): string {
  const who = payload.userName ?? payload.userId ?? 'nobody'
  const head = `${payload.type.padEnd(4)} ${payload.method} by ${who}`
  if (payload.type === 'pre') return `${head} ${JSON.stringify(payload.params)}`
  const outcome = payload.error === undefined ? `→ ${JSON.stringify(payload.result)}` : `✗ ${payload.error.message}`
  return `${head} ${outcome} (${payload.duration} ms)`
}

/**
 * Starts the receiver. `log` receives one line per hook and per command output.
 *
 * @example const receiver = await startReceiver({ port: 0, log: line => lines.push(line) })
 */
export async function startReceiver({
  port = 0,
  host = '127.0.0.1',
  commands = DEFAULT_COMMANDS,
  log = console.log,
}: {
  port?: number
  host?: string
  commands?: Commands
  log?: (line: string) => void
} = {}): Promise<HookReceiver> {
  const received: WebHookPayload[] = []
  const waiters: Array<{ count: number; resolve: () => void }> = []

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    let payload: WebHookPayload
    try {
      payload = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      res.writeHead(400).end('body must be JSON')
      return
    }
    received.push(payload)
    log(describePayload(payload))
    const command = payload.type === 'pre' ? commands[payload.method] : undefined
    if (command !== undefined) {
      const [file, ...args] = command
      try {
        const { stdout } = await run(file, [...args, JSON.stringify(payload.params)])
        log(`     $ ${file} → ${stdout.trim()}`)
      } catch (error) {
        log(`     $ ${file} failed: ${(error as Error).message}`)
      }
    }
    res.writeHead(204).end()
    for (const waiter of [...waiters]) {
      if (received.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve()
      }
    }
  })
  await new Promise<void>(resolve => server.listen(port, host, resolve))
  const address = server.address() as AddressInfo

  return {
    url: `http://${host}:${address.port}/`,
    received,
    waitFor: count =>
      received.length >= count ? Promise.resolve() : new Promise(resolve => waiters.push({ count, resolve })),
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  }
}

// Run standalone: `npx tsx examples/receiver.ts`.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const receiver = await startReceiver({ port: 3001 })
  console.log(`receiving hooks on ${receiver.url}`)
}
