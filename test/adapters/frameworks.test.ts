/**
 * What is particular to each framework adapter, beside the shared behaviour table: json-rpc-peer notifications,
 * jayson's own HTTP server (no context), tRPC queries and the veto's HTTP status.
 */
import type { AddressInfo } from 'node:net'
import { createTRPCUntypedClient, httpLink, type TRPCClientError } from '@trpc/client'
import { initTRPC } from '@trpc/server'
import { createHTTPServer } from '@trpc/server/adapters/standalone'
import jayson from 'jayson'
import { Peer } from 'json-rpc-peer'
import { JSONRPCServer } from 'json-rpc-2.0'
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { startPeerServer } from '../../examples/json-rpc-peer-server.js'
import { type JaysonCallback, webHooksMethods } from '../../src/adapters/jayson/index.js'
import { webHooksMiddleware } from '../../src/adapters/json-rpc-2.0/index.js'
import { webHooksPeer } from '../../src/adapters/json-rpc-peer/index.js'
import { webHooksTrpc } from '../../src/adapters/trpc/index.js'
import { onCleanup, receiver } from '../core/setup.js'

async function connect(url: string) {
  const socket = new WebSocket(url)
  onCleanup(async () => socket.terminate())
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
  const peer = new Peer()
  socket.on('message', data => peer.write(String(data)))
  peer.on('data', data => socket.send(data))
  return peer
}

describe('json-rpc-peer: notifications', () => {
  const api = (ran: string[]) => ({
    'vm.ping': () => {
      ran.push('vm.ping')
    },
    'vm.start': ({ id }: { id: string }) => {
      ran.push('vm.start')
      return { id, running: true }
    },
  })

  it('are passed through without hooks by default', async () => {
    const hooks = await receiver()
    const ran: string[] = []
    const server = await startPeerServer([{ method: 'vm.*', type: 'pre', url: hooks.url, waitForResponse: true }], {
      api: api(ran),
    })
    onCleanup(() => server.close())
    const peer = await connect(`${server.url}?user=alice`)
    await peer.notify('vm.ping', {})
    expect(await peer.request('vm.start', { id: 'vm-1' })).toEqual({ id: 'vm-1', running: true })
    // The notification was handled first; a hooked one would have had its waiting pre received before it ran.
    expect(ran).toEqual(['vm.ping', 'vm.start'])
    expect(hooks.requests.map(request => request.json.method)).toEqual(['vm.start'])
  })

  it('are hooked calls with notifications: true', async () => {
    const hooks = await receiver()
    const server = await startPeerServer([{ method: 'vm.ping', type: 'pre/post', url: hooks.url }], {
      api: api([]),
      notifications: true,
    })
    onCleanup(() => server.close())
    const peer = await connect(`${server.url}?user=bob`)
    await peer.notify('vm.ping', { n: 1 })
    const requests = await hooks.waitFor(2)
    const post = requests.map(request => request.json).find(json => json.type === 'post')
    expect(post).toMatchObject({ method: 'vm.ping', params: { n: 1 }, userId: 'bob', result: true })
  })
})

describe("jayson: its own HTTP server and client (jayson's HTTP server gives methods no context)", () => {
  it('hooks the calls; user() gets no context (undefined) there', async () => {
    const hooks = await receiver()
    const methods = webHooksMethods(
      { add: ([a, b]: [number, number], callback: JaysonCallback) => callback(null, a + b) },
      {
        hooks: [{ method: 'add', type: 'pre/post', url: hooks.url }],
        user: (context: unknown) => ({ id: context === undefined ? 'no context' : 'context' }),
      }
    )
    onCleanup(() => methods.webHooks.close({ timeout: 1000 }))
    const http = new jayson.Server(methods).http()
    await new Promise<void>(resolve => http.listen(0, '127.0.0.1', resolve))
    onCleanup(() => new Promise(resolve => http.close(resolve)))
    const { port } = http.address() as AddressInfo
    const client = jayson.Client.http({ host: '127.0.0.1', port })
    const response = await new Promise<any>((resolve, reject) =>
      client.request('add', [2, 3], (error: unknown, answer: unknown) => (error ? reject(error) : resolve(answer)))
    )
    expect(response.result).toBe(5)
    const requests = await hooks.waitFor(2)
    const post = requests.map(request => request.json).find(json => json.type === 'post')
    expect(post).toMatchObject({ method: 'add', params: [2, 3], result: 5 })
    // A server without useContext gives methods (args, callback): user() is called with undefined.
    expect(post.userId).toBe('no context')
  })
})

describe('tRPC: queries and the veto over HTTP', () => {
  it('a query is hooked with its input; a veto is a 403 FORBIDDEN with the veto message', async () => {
    const veto = await receiver(request =>
      request.json.params?.id === 'prod' ? { status: 403, body: '{"reason":"production"}' } : { status: 204 }
    )
    const hooks = await receiver()
    const t = initTRPC.context<{ userId: string | undefined }>().create()
    const middleware = webHooksTrpc(t, {
      hooks: [
        { method: 'vm.*', type: 'pre', url: veto.url, veto: true },
        { method: 'vm.*', type: 'post', url: hooks.url },
      ],
      user: ctx => ({ id: ctx.userId }),
    })
    const router = t.router({
      vm: t.router({
        get: t.procedure
          .use(middleware)
          .input((input: unknown) => input as { id: string })
          .query(({ input }) => ({ id: input.id })),
      }),
    })
    const http = createHTTPServer({ router, createContext: ({ req }) => ({ userId: req.headers['x-user'] as string }) })
    await new Promise<void>(resolve => http.listen(0, '127.0.0.1', resolve))
    onCleanup(async () => {
      http.closeAllConnections()
      await new Promise(resolve => http.close(resolve))
      await middleware.webHooks.close({ timeout: 1000 })
    })
    const { port } = http.address() as AddressInfo
    const client = createTRPCUntypedClient({
      links: [httpLink({ url: `http://127.0.0.1:${port}`, headers: { 'x-user': 'carol' } })],
    })
    expect(await client.query('vm.get', { id: 'vm-1' })).toEqual({ id: 'vm-1' })
    const [post] = await hooks.waitFor(1)
    expect(post!.json).toMatchObject({
      method: 'vm.get',
      params: { id: 'vm-1' },
      userId: 'carol',
      result: { id: 'vm-1' },
    })

    const refused = (await client.query('vm.get', { id: 'prod' }).catch(error => error)) as TRPCClientError<any>
    expect(refused.data).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 })
    expect(refused.message).toMatch(/refused/)
  })
})

describe('bad adapter options: a coded WebHookConfigError naming the option, at construction', () => {
  const config = { hooks: [] }
  const refused = (path: string, code = 'ERR_WEB_HOOK_CONFIG_TYPE') => ({
    name: 'WebHookConfigError',
    code,
    path,
    message: expect.stringContaining(`${path}: must be`),
  })

  it('json-rpc-2.0: vetoErrorCode', async () => {
    expect(() => webHooksMiddleware(config, { vetoErrorCode: '-32040' as never })).toThrow(
      expect.objectContaining(refused('vetoErrorCode'))
    )
    // Nothing else broke: a good one serves calls.
    const server = new JSONRPCServer()
    server.addMethod('add', ({ a, b }: { a: number; b: number }) => a + b)
    const good = webHooksMiddleware(config, { vetoErrorCode: -32001 })
    server.applyMiddleware(good)
    expect(await server.receive({ jsonrpc: '2.0', id: 1, method: 'add', params: { a: 1, b: 2 } })).toMatchObject({
      result: 3,
    })
    await good.webHooks.close()
  })

  it('json-rpc-peer: vetoErrorCode and notifications', async () => {
    expect(() => webHooksPeer(config, { vetoErrorCode: 'x' as never })).toThrow(
      expect.objectContaining(refused('vetoErrorCode'))
    )
    expect(() => webHooksPeer(config, { notifications: 'yes' as never })).toThrow(
      expect.objectContaining(refused('notifications'))
    )
    // Nothing else broke: a good one works.
    const good = webHooksPeer(config, { vetoErrorCode: -32001, notifications: true })
    expect(await good(() => 42, undefined)({ type: 'request', method: 'x', id: 1 })).toBe(42)
    await good.webHooks.close()
  })

  it('jayson: vetoErrorCode, a method that is not a function', async () => {
    expect(() => webHooksMethods({}, config, { vetoErrorCode: 1.5 })).toThrow(
      expect.objectContaining(refused('vetoErrorCode'))
    )
    expect(() => webHooksMethods({ add: new jayson.Method(() => {}) as never }, config)).toThrow(
      expect.objectContaining(refused('methods["add"]'))
    )
    const good = webHooksMethods({ add: (_args: unknown, callback: JaysonCallback) => callback(null, 1) }, config)
    expect(await new jayson.Server(good).callp({ jsonrpc: '2.0', id: 1, method: 'add', params: [] })).toMatchObject({
      result: 1,
    })
    await good.webHooks.close()
  })

  it('tRPC: t that is not a tRPC root, vetoErrorCode', async () => {
    const t = initTRPC.create()
    expect(() => webHooksTrpc({} as never, config)).toThrow(expect.objectContaining(refused('t')))
    expect(() => webHooksTrpc(t, config, { vetoErrorCode: 'forbidden' as never })).toThrow(
      expect.objectContaining(refused('vetoErrorCode', 'ERR_WEB_HOOK_CONFIG_VALUE'))
    )
    const good = webHooksTrpc(t, config, { vetoErrorCode: 'UNAUTHORIZED' })
    const caller = t.createCallerFactory(t.router({ one: t.procedure.use(good).query(() => 1) }))({})
    expect(await caller.one()).toBe(1)
    await good.webHooks.close()
  })
})
