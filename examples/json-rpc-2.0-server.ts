/**
 * A JSON-RPC 2.0 server on the npm package `json-rpc-2.0` over node:http, with web hooks in three lines
 * (`server.applyMiddleware(webHooksMiddleware({ hooks, user }))`). The caller comes from request headers here; use your
 * own authentication.
 *
 * Run: `npx tsx examples/json-rpc-2.0-server.ts http://127.0.0.1:8080/hooks` (the hook receiver's URL), then
 * `curl -d '{"jsonrpc":"2.0","id":1,"method":"vm.start","params":{"id":"vm-1"}}' -H 'x-user: alice' localhost:3000`
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'
import { JSONRPCErrorException, JSONRPCServer } from 'json-rpc-2.0'
import { webHooksMiddleware, type WebHooksMiddleware } from '../src/adapters/json-rpc-2.0/index.js'
import type { HookConfig } from '../src/index.js'

/** What the HTTP layer knows about the caller: handed to every method and to the hooks' `user`. */
export interface Caller {
  userId: string | undefined
  ip: string | undefined
}

export interface ExampleServer {
  url: string
  server: Server
  rpc: JSONRPCServer<Caller>
  hooks: WebHooksMiddleware<Caller>
  close(): Promise<void>
}

const vms = new Map<string, { id: string; running: boolean }>([['vm-1', { id: 'vm-1', running: false }]])

/** Options of {@link startJsonRpcServer}. */
export interface ExampleServerOptions {
  /** Port on 127.0.0.1; 0 for any free one. */
  port?: number
  /** Where the JSON-RPC server reports methods that threw (json-rpc-2.0's default: console.warn). */
  errorListener?: (message: string, data: unknown) => void
  /** Send error stacks in post payloads. */
  includeErrorStack?: boolean
}

/** Starts the example server on 127.0.0.1, sending hooks as `hooks` says. */
export async function startJsonRpcServer(
  hooks: HookConfig[],
  { port = 0, errorListener, includeErrorStack = false }: ExampleServerOptions = {}
): Promise<ExampleServer> {
  const rpc = new JSONRPCServer<Caller>(errorListener === undefined ? {} : { errorListener })
  rpc.addMethod('vm.start', ({ id }: { id: string }) => {
    const vm = vms.get(id)
    if (vm === undefined) throw new JSONRPCErrorException(`no such VM: ${id}`, 404, { id })
    vm.running = true
  })
  rpc.addMethod('vm.stop', ({ id }: { id: string }) => {
    const vm = vms.get(id)
    if (vm !== undefined) vm.running = false
    return vm !== undefined
  })
  rpc.addMethod('vm.list', () => [...vms.values()])

  // The three lines: a middleware per server, the caller from the server params.
  const webHooks = webHooksMiddleware<Caller>(
    { hooks, includeErrorStack, user: caller => ({ id: caller.userId, ip: caller.ip }) },
    { server: rpc } // methods the server does not have fire no hooks, as in XO
  )
  rpc.applyMiddleware(webHooks)

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const caller: Caller = { userId: req.headers['x-user'] as string | undefined, ip: req.socket.remoteAddress }
    let body: unknown
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      res.writeHead(400).end()
      return
    }
    const response = await rpc.receive(body as Parameters<typeof rpc.receive>[0], caller)
    if (response === null) res.writeHead(204).end()
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(response))
  })
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve))
  const { port: bound } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${bound}`,
    server,
    rpc,
    hooks: webHooks,
    async close() {
      await webHooks.webHooks.close({ timeout: 1000 })
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    },
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const receiverUrl = process.argv[2] ?? 'http://127.0.0.1:8080/hooks'
  const { url } = await startJsonRpcServer([{ method: 'vm.*', type: 'pre/post', url: receiverUrl }], { port: 3000 })
  console.log(`JSON-RPC server on ${url}, hooks to ${receiverUrl}`)
}
