/**
 * One driver per adapter for the shared behaviour table (test/adapters/shared-behaviour.test.ts): each starts the
 * framework's real server with the hooks given, on 127.0.0.1 port 0, and calls it through the framework's real client.
 *
 * Every server has the same two methods: `vm.start({ id })` answers `{ id, running: true }`; `vm.delete({ id })` fails
 * with the framework's own "not found" error. `ran` lists the methods that ran, to see that a veto stopped one.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createTRPCUntypedClient, httpLink, type TRPCClientError } from '@trpc/client'
import { initTRPC, TRPCError } from '@trpc/server'
import { createHTTPServer } from '@trpc/server/adapters/standalone'
import jayson from 'jayson'
import { JSONRPCErrorException } from 'json-rpc-2.0'
import { JsonRpcError, Peer } from 'json-rpc-peer'
import { WebSocket } from 'ws'
import { startJsonRpcServer } from '../../../examples/json-rpc-2.0-server.js'
import { startPeerServer } from '../../../examples/json-rpc-peer-server.js'
import { type JaysonContextMethod, webHooksMethods } from '../../../src/adapters/jayson/index.js'
import { webHooksTrpc } from '../../../src/adapters/trpc/index.js'
import createPlugin from '../../../src/adapters/xo/index.js'
import type { HookConfig } from '../../../src/index.js'
import { FakeXo } from './fake-xo.js'

/** What a client saw: the result, or the error reduced to its `code` and `message`. */
export type Outcome = { result: unknown } | { error: { code: unknown; message: string } }

export interface StartedServer {
  /** Calls `method` as the user `user` (the framework's own way of knowing who calls). */
  call(method: 'vm.start' | 'vm.delete', params: { id: string }, user?: string): Promise<Outcome>
  /** Methods that ran, in order. */
  ran: string[]
  /** The hooks' `close()`. */
  closeHooks(): Promise<unknown>
  close(): Promise<void>
}

export interface AdapterDriver {
  name: string
  /** The code of the framework's "not found" error, as the client sees it and the post reports it. */
  notFoundCode: unknown
  /** The code a veto is answered with; `undefined` when the host cannot be stopped by a hook (XO's plugin). */
  vetoCode: unknown
  start(hooks: HookConfig[]): Promise<StartedServer>
}

const notFound = (id: string) => `no such VM: ${id}`

const jsonRpc2: AdapterDriver = {
  name: 'json-rpc-2.0',
  notFoundCode: 404,
  vetoCode: -32040,
  async start(hooks) {
    const server = await startJsonRpcServer(hooks, { errorListener: () => {} })
    const ran: string[] = []
    server.rpc.addMethod('vm.start', ({ id }: { id: string }) => {
      ran.push('vm.start')
      return { id, running: true }
    })
    server.rpc.addMethod('vm.delete', ({ id }: { id: string }) => {
      ran.push('vm.delete')
      throw new JSONRPCErrorException(notFound(id), 404, { id })
    })
    let id = 0
    return {
      ran,
      async call(method, params, user = 'alice') {
        const response = await fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-user': user },
          body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
        })
        const answer = (await response.json()) as { result?: unknown; error?: { code: unknown; message: string } }
        return answer.error === undefined
          ? { result: answer.result }
          : { error: { code: answer.error.code, message: answer.error.message } }
      },
      closeHooks: () => server.hooks.webHooks.close({ timeout: 1000 }),
      close: () => server.close(),
    }
  },
}

const xoPlugin: AdapterDriver = {
  name: 'XO plugin',
  notFoundCode: 'NO_SUCH_OBJECT',
  vetoCode: undefined,
  async start(hooks) {
    const ran: string[] = []
    const xo = new FakeXo({
      'vm.start': ({ id }: { id: string }) => {
        ran.push('vm.start')
        return { id, running: true }
      },
      'vm.delete': ({ id }: { id: string }) => {
        ran.push('vm.delete')
        throw Object.assign(new Error(notFound(id)), { code: 'NO_SUCH_OBJECT' })
      },
    })
    const plugin = createPlugin({ xo, logger: { warn() {}, error() {} } })
    plugin.configure({ hooks: hooks.map(hook => ({ format: 'json', ...hook }) as never) })
    plugin.load()
    return {
      ran,
      async call(method, params, user = 'alice') {
        try {
          return { result: await xo.callApiMethod({ user_id: user }, method, params) }
        } catch (error) {
          const { code, message } = error as { code: unknown; message: string }
          return { error: { code, message } }
        }
      },
      closeHooks: async () => plugin.webHooks?.close({ timeout: 1000 }),
      async close() {
        plugin.unload()
        await plugin.webHooks?.close({ timeout: 1000 })
      },
    }
  },
}

const jsonRpcPeer: AdapterDriver = {
  name: 'json-rpc-peer',
  notFoundCode: 404,
  vetoCode: -32040,
  async start(hooks) {
    const ran: string[] = []
    const server = await startPeerServer(hooks, {
      api: {
        'vm.start': ({ id }: { id: string }) => {
          ran.push('vm.start')
          return { id, running: true }
        },
        'vm.delete': async ({ id }: { id: string }) => {
          ran.push('vm.delete')
          throw new JsonRpcError(notFound(id), 404, { id })
        },
      },
    })
    const sockets: WebSocket[] = []
    return {
      ran,
      async call(method, params, user = 'alice') {
        // A real WebSocket client with a json-rpc-peer Peer, one connection per user as XO's clients have.
        const socket = new WebSocket(`${server.url}?user=${encodeURIComponent(user)}`)
        sockets.push(socket)
        await new Promise<void>((resolve, reject) => {
          socket.once('open', () => resolve())
          socket.once('error', reject)
        })
        const peer = new Peer()
        socket.on('message', data => peer.write(String(data)))
        peer.on('data', data => socket.send(data))
        try {
          return { result: await peer.request(method, params) }
        } catch (error) {
          const { code, message } = error as { code: unknown; message: string }
          return { error: { code, message } }
        } finally {
          socket.close()
        }
      },
      closeHooks: () => server.webHooks.webHooks.close({ timeout: 1000 }),
      async close() {
        for (const socket of sockets) socket.terminate()
        await server.close()
      },
    }
  },
}

interface Caller {
  userId: string | undefined
}

const jaysonDriver: AdapterDriver = {
  name: 'jayson',
  notFoundCode: 404,
  vetoCode: -32040,
  async start(hooks) {
    const ran: string[] = []
    const start: JaysonContextMethod<Caller> = ({ id }, _context, callback) => {
      ran.push('vm.start')
      callback(null, { id, running: true })
    }
    const methods = webHooksMethods(
      {
        'vm.start': start,
        'vm.delete': function (this: jayson.Server, { id }: { id: string }, _context: Caller, callback) {
          ran.push('vm.delete')
          callback(this.error(404, notFound(id), { id }))
        },
      },
      { hooks, user: caller => ({ id: caller.userId }) }
    )
    const rpc = new jayson.Server(methods, { useContext: true })
    // jayson's HTTP server passes methods no context: the same listener, with the caller as the context.
    const http = createServer(async (req, res) => {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const context: Caller = { userId: req.headers['x-user'] as string | undefined }
      rpc.call(Buffer.concat(chunks).toString('utf8'), context, (error: unknown, success: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(error ?? success))
      })
    })
    await new Promise<void>(resolve => http.listen(0, '127.0.0.1', resolve))
    const { port } = http.address() as AddressInfo
    return {
      ran,
      call(method, params, user = 'alice') {
        const client = jayson.Client.http({ host: '127.0.0.1', port, headers: { 'x-user': user } })
        return new Promise<Outcome>((resolve, reject) => {
          client.request(method, params, (error: unknown, response: any) => {
            if (error) reject(error)
            else if (response.error) resolve({ error: { code: response.error.code, message: response.error.message } })
            else resolve({ result: response.result })
          })
        })
      },
      closeHooks: () => methods.webHooks.close({ timeout: 1000 }),
      async close() {
        http.closeAllConnections()
        await new Promise<void>(resolve => http.close(() => resolve()))
        await methods.webHooks.close({ timeout: 1000 })
      },
    }
  },
}

const trpc: AdapterDriver = {
  name: 'tRPC',
  notFoundCode: 'NOT_FOUND',
  vetoCode: 'FORBIDDEN',
  async start(hooks) {
    const ran: string[] = []
    const t = initTRPC.context<Caller>().create()
    const middleware = webHooksTrpc(t, { hooks, user: ctx => ({ id: ctx.userId }) })
    const hooked = t.procedure.use(middleware).input((input: unknown) => input as { id: string })
    const router = t.router({
      vm: t.router({
        start: hooked.mutation(({ input }) => {
          ran.push('vm.start')
          return { id: input.id, running: true }
        }),
        delete: hooked.mutation(({ input }) => {
          ran.push('vm.delete')
          throw new TRPCError({ code: 'NOT_FOUND', message: notFound(input.id) })
        }),
      }),
    })
    const http = createHTTPServer({
      router,
      createContext: ({ req }) => ({ userId: req.headers['x-user'] as string | undefined }),
    })
    await new Promise<void>(resolve => http.listen(0, '127.0.0.1', resolve))
    const { port } = http.address() as AddressInfo
    return {
      ran,
      async call(method, params, user = 'alice') {
        const client = createTRPCUntypedClient({
          links: [httpLink({ url: `http://127.0.0.1:${port}`, headers: { 'x-user': user } })],
        })
        try {
          return { result: await client.mutation(method, params) }
        } catch (error) {
          const { data, message } = error as TRPCClientError<typeof router>
          return { error: { code: data?.code, message } }
        }
      },
      closeHooks: () => middleware.webHooks.close({ timeout: 1000 }),
      async close() {
        http.closeAllConnections()
        await new Promise<void>(resolve => http.close(() => resolve()))
        await middleware.webHooks.close({ timeout: 1000 })
      },
    }
  },
}

/** Every adapter, for `describe.each`. */
export const adapterDrivers: AdapterDriver[] = [jsonRpc2, xoPlugin, jsonRpcPeer, jaysonDriver, trpc]
