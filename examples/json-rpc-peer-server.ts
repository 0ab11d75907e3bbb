/**
 * Xen Orchestra's shape: a `ws` WebSocket server, one `json-rpc-peer` `Peer` per connection, the API methods from an
 * object, and `webHooksPeer` in between (XO's `xo-server` serves its API this way). The connection (who, from where)
 * is the context of `user()`.
 *
 * Run: `npx tsx examples/json-rpc-peer-server.ts http://127.0.0.1:8080/hooks` (the hook receiver's URL), then call it
 * with any JSON-RPC WebSocket client on ws://127.0.0.1:3000/api/?user=alice.
 */
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'
import { JsonRpcError, MethodNotFound, Peer } from 'json-rpc-peer'
import { WebSocketServer } from 'ws'
import { type WebHooksPeer, webHooksPeer } from '../src/adapters/json-rpc-peer/index.js'
import type { HookConfig } from '../src/index.js'

/** One WebSocket connection, as XO keeps it: who is connected and from where. */
export interface Connection {
  userId: string | undefined
  ip: string | undefined
}

/** The API: methods from an object, as XO's `apiMethods`. */
export type Api = Record<string, (params: any, connection: Connection) => unknown>

export interface PeerServer {
  /** ws://127.0.0.1:port/api/ */
  url: string
  webHooks: WebHooksPeer<Connection>
  close(): Promise<void>
}

export const defaultApi: Api = {
  'vm.start': ({ id }: { id: string }) => ({ id, running: true }),
  'vm.delete': ({ id }: { id: string }) => {
    throw new JsonRpcError(`no such VM: ${id}`, 404, { id })
  },
}

/** Starts the server on 127.0.0.1 (port 0 for any free one); `?user=` on the URL stands for XO's authentication. */
export async function startPeerServer(
  hooks: HookConfig[],
  { api = defaultApi, port = 0, notifications = false }: { api?: Api; port?: number; notifications?: boolean } = {}
): Promise<PeerServer> {
  const webHooks = webHooksPeer<Connection>(
    { hooks, user: connection => ({ id: connection.userId, ip: connection.ip }) },
    { notifications }
  )
  const wss = new WebSocketServer({ host: '127.0.0.1', port, path: '/api/' })
  wss.on('connection', (socket, request) => {
    const connection: Connection = {
      userId: new URL(request.url ?? '/', 'ws://localhost').searchParams.get('user') ?? undefined,
      ip: request.socket.remoteAddress,
    }
    const peer = new Peer(
      webHooks(message => {
        const method = api[message.method]
        if (method === undefined) throw new MethodNotFound(message.method)
        return method(message.params, connection)
      }, connection)
    )
    socket.on('message', data => peer.write(String(data)))
    peer.on('data', data => socket.send(data))
    socket.on('close', () => peer.failPendingRequests('connection closed'))
  })
  await new Promise<void>(resolve => wss.once('listening', resolve))
  const { port: bound } = wss.address() as AddressInfo
  return {
    url: `ws://127.0.0.1:${bound}/api/`,
    webHooks,
    async close() {
      for (const client of wss.clients) client.terminate()
      await new Promise<void>(resolve => wss.close(() => resolve()))
      await webHooks.webHooks.close({ timeout: 1000 })
    },
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const url = process.argv[2] ?? 'http://127.0.0.1:8080/hooks'
  const server = await startPeerServer([{ method: 'vm.*', type: 'pre/post', url }], { port: 3000 })
  console.log(`JSON-RPC over WebSocket on ${server.url}, hooks to ${url}`)
}
