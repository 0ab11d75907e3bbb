/**
 * A JSON-RPC 2.0 server over node:http, in the style of Xen Orchestra's API, whose dispatcher is wrapped with
 * `withWebHooks`: configured calls send XO-style web hooks.
 *
 * Run it: `npx tsx examples/xo-style-server.ts` (hooks to http://127.0.0.1:3001/ by default, see the bottom), then
 *   curl -s localhost:3000 -H 'x-user: alice' -d '{"jsonrpc":"2.0","id":1,"method":"vm.start","params":{"id":"vm-1"}}'
 * In your code, import from 'rpc-web-hooks' instead of '../src/index.js'.
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'
import { type WebHooksConfig, type WithWebHooks, withWebHooks } from '../src/index.js'

/** Who is calling: what a real server gets from its session. */
export interface Connection {
  user: string | undefined
  ip: string | undefined
}

/** An API error with a JSON-RPC code, as XO's errors carry one. */
class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown
  ) {
    super(message)
  }
}

const vms = new Map<string, { name: string; running: boolean }>([['vm-1', { name: 'web', running: false }]])

function vm(id: unknown) {
  const found = typeof id === 'string' ? vms.get(id) : undefined
  if (found === undefined) throw new ApiError(404, 'no such VM', { id })
  return found
}

/** The API methods: XO-like names, in-memory VMs. */
const methods: Record<string, (params: any, connection: Connection) => unknown> = {
  'vm.create': ({ name }: { name: string }) => {
    const id = randomUUID()
    vms.set(id, { name, running: false })
    return { id }
  },
  'vm.start': ({ id }: { id: string }) => {
    vm(id).running = true
    return true
  },
  'vm.stop': ({ id }: { id: string }) => {
    vm(id).running = false // returns nothing: the post hook reports result: true, as XO does
  },
}

/** The dispatcher, XO's `callApiMethod` shape: `(method, params, connection)`. */
async function dispatch(method: string, params: unknown, connection: Connection): Promise<unknown> {
  const handler = methods[method]
  if (handler === undefined) throw new ApiError(-32601, `method not found: ${method}`)
  return handler(params ?? {}, connection)
}

export interface XoStyleServer {
  url: string
  /** The wrapped dispatcher (its `.webHooks` is the controller). */
  call: WithWebHooks<typeof dispatch>
  close(): Promise<void>
}

async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

/**
 * Starts the server on `host:port` (port 0: any free port) with the given web-hooks configuration.
 *
 * @example const server = await startServer({ port: 0, hooks: [{ method: 'vm.*', type: 'post', url, format: 'json' }] })
 */
export async function startServer({
  port = 0,
  host = '127.0.0.1',
  ...config
}: { port?: number; host?: string } & Omit<WebHooksConfig<Connection>, 'user'>): Promise<XoStyleServer> {
  const call = withWebHooks(dispatch, {
    ...config,
    user: connection => ({
      id: connection.user,
      name: connection.user && `${connection.user}@example.com`,
      ip: connection.ip,
    }),
  })

  const server: Server = createServer(async (req, res) => {
    let id: unknown = null
    let body: unknown
    try {
      const request = await readJson(req)
      id = request.id ?? null
      const connection: Connection = { user: req.headers['x-user'] as string | undefined, ip: req.socket.remoteAddress }
      body = { jsonrpc: '2.0', id, result: (await call(request.method, request.params, connection)) ?? null }
    } catch (error) {
      const { code = -32603, message = String(error), data } = error as Partial<ApiError>
      body = { jsonrpc: '2.0', id, error: { code: typeof code === 'number' ? code : -32603, message, data } }
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  })
  await new Promise<void>(resolve => server.listen(port, host, resolve))
  const address = server.address() as AddressInfo

  return {
    url: `http://${host}:${address.port}`,
    call,
    async close() {
      await new Promise<void>(resolve => server.close(() => resolve()))
      await call.webHooks.close({ timeout: 5000 })
    },
  }
}

// Run standalone: `npx tsx examples/xo-style-server.ts [hook URL]`.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const url = process.argv[2] ?? 'http://127.0.0.1:3001/'
  const server = await startServer({
    port: 3000,
    hooks: [{ method: 'vm.*', type: 'pre/post', url, format: 'json' }],
    logger: console,
  })
  console.log(`JSON-RPC server on ${server.url}, hooks to ${url}`)
  process.once('SIGINT', () => void server.close())
}
