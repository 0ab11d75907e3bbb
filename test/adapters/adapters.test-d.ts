/**
 * Types of the adapters: the middleware fits `applyMiddleware` and infers the server params for `user`; the XO
 * plugin has XO's contract.
 */
import { initTRPC } from '@trpc/server'
import jayson from 'jayson'
import { JSONRPCServer, type JSONRPCServerMiddleware } from 'json-rpc-2.0'
import { describe, expectTypeOf, it } from 'vitest'
import { webHooksMethods } from '../../src/adapters/jayson/index.js'
import { type WebHooksMiddleware, webHooksMiddleware } from '../../src/adapters/json-rpc-2.0/index.js'
import { type PeerHandler, webHooksPeer } from '../../src/adapters/json-rpc-peer/index.js'
import { webHooksTrpc } from '../../src/adapters/trpc/index.js'
import createPlugin, { configurationSchema, type XoLike, type XoPlugin } from '../../src/adapters/xo/index.js'

interface Caller {
  userId: string
  ip: string
}

describe('adapter types', () => {
  it('webHooksMiddleware fits applyMiddleware and infers ServerParams for user()', () => {
    const server = new JSONRPCServer<Caller>()
    server.applyMiddleware(
      webHooksMiddleware({
        hooks: [],
        user: caller => {
          expectTypeOf(caller).toEqualTypeOf<Caller>()
          return { id: caller.userId, ip: caller.ip }
        },
      })
    )
    const middleware = webHooksMiddleware<Caller>({ hooks: [] })
    expectTypeOf(middleware).toExtend<JSONRPCServerMiddleware<Caller>>()
    expectTypeOf(middleware.webHooks.test).returns.toEqualTypeOf<Promise<void>>()
    expectTypeOf<WebHooksMiddleware<Caller>>().toExtend<JSONRPCServerMiddleware<Caller>>()
    // @ts-expect-error: vetoErrorCode is a number
    webHooksMiddleware({ hooks: [] }, { vetoErrorCode: 'x' })
  })

  it('webHooksMiddleware(config, { server }) infers ServerParams from the server, built apart from applyMiddleware', () => {
    const server = new JSONRPCServer<Caller>()
    const middleware = webHooksMiddleware(
      {
        hooks: [],
        user: ({ userId, ip }) => {
          expectTypeOf(userId).toEqualTypeOf<string>()
          return { id: userId, ip }
        },
      },
      { server }
    )
    expectTypeOf(middleware).toEqualTypeOf<WebHooksMiddleware<Caller>>()
    server.applyMiddleware(middleware)
    middleware.webHooks.configure({ hooks: [], user: caller => ({ id: caller.userId }) })
    // a server with only hasMethod still fits (no inference then: the type argument or applyMiddleware gives it)
    webHooksMiddleware<Caller>(
      { hooks: [], user: caller => ({ id: caller.userId }) },
      { server: { hasMethod: () => true } }
    )
    // @ts-expect-error: the server params are the server's, not another type
    webHooksMiddleware<{ other: number }>({ hooks: [] }, { server })
    // @ts-expect-error: user() cannot read what the server params do not have
    webHooksMiddleware({ hooks: [], user: ({ missing }) => ({ id: missing }) }, { server })
  })

  it('the XO plugin has XO contract', () => {
    const xo: XoLike = { on() {}, removeListener() {}, apiMethods: {} }
    const plugin = createPlugin({ xo })
    expectTypeOf(plugin).toExtend<XoPlugin>()
    expectTypeOf(plugin.test)
      .parameter(0)
      .toEqualTypeOf<{ url?: string | undefined; format?: 'json' | 'office365' | undefined } | undefined>()
    expectTypeOf(configurationSchema).parameter(0).toExtend<{ xo?: XoLike } | undefined>()
    // @ts-expect-error: a hook needs a url
    plugin.configure({ hooks: [{ method: 'vm.start', type: 'pre' }] })
  })
})

describe('json-rpc-peer, jayson and tRPC adapter types', () => {
  it('webHooksPeer: the connection type flows into user()', () => {
    const webHooks = webHooksPeer({
      hooks: [],
      user: (connection: Caller) => ({ id: connection.userId }),
    })
    expectTypeOf(webHooks).parameter(1).toEqualTypeOf<Caller>()
    expectTypeOf(webHooks(() => 1, { userId: 'u', ip: '::1' })).toEqualTypeOf<PeerHandler>()
    expectTypeOf(webHooks.webHooks.test).returns.toEqualTypeOf<Promise<void>>()
    const typed = webHooksPeer<Caller>({
      hooks: [],
      user: connection => {
        expectTypeOf(connection).toEqualTypeOf<Caller>()
        return { id: connection.userId }
      },
    })
    // @ts-expect-error: the connection must be a Caller
    typed(() => 1, { userId: 1 })
    // @ts-expect-error: notifications is a boolean
    webHooksPeer({ hooks: [] }, { notifications: 'yes' })
  })

  it('webHooksMethods: the context type of the methods flows into user()', () => {
    const methods = webHooksMethods(
      {
        'vm.start': (_args: unknown, _context: Caller, callback) => callback(null, true),
      },
      {
        hooks: [],
        user: caller => {
          expectTypeOf(caller).toEqualTypeOf<Caller>()
          return { id: caller.userId, ip: caller.ip }
        },
      }
    )
    expectTypeOf(methods.webHooks.close).returns.toExtend<Promise<unknown>>()
    new jayson.Server(methods, { useContext: true })
    // @ts-expect-error: vetoErrorCode is a number
    webHooksMethods({}, { hooks: [] }, { vetoErrorCode: 'x' })
  })

  it('webHooksTrpc: ctx flows into user() and the middleware fits .use()', () => {
    const t = initTRPC.context<Caller>().create()
    const middleware = webHooksTrpc(t, {
      hooks: [],
      user: ctx => {
        expectTypeOf(ctx).toEqualTypeOf<Caller>()
        return { id: ctx.userId, ip: ctx.ip }
      },
    })
    const procedure = t.procedure.use(middleware)
    procedure.query(({ ctx }) => {
      expectTypeOf(ctx).toExtend<Caller>()
      return 1
    })
    expectTypeOf(middleware.webHooks.test).returns.toEqualTypeOf<Promise<void>>()
    // @ts-expect-error: a tRPC error code
    webHooksTrpc(t, { hooks: [] }, { vetoErrorCode: 'NOPE' })
  })
})
