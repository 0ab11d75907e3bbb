import { describe, expectTypeOf, it } from 'vitest'
import {
  type SerializedError,
  type WebHookPayload,
  type WebHookPostPayload,
  type WebHookPrePayload,
  type WebHookVetoError,
  withWebHooks,
} from '../src/index.js'

type MyApi = {
  'vm.start': { params: { id: string; force?: boolean }; result: boolean }
  'vm.stop': { params: { id: string }; result: void }
  'vm.create': { params: { name: string }; result: { id: string } }
}

describe('WebHookPayload<Api>', () => {
  it('narrows params and result by method', () => {
    const handle = (payload: WebHookPayload<MyApi>) => {
      if (payload.method === 'vm.create') {
        expectTypeOf(payload.params).toEqualTypeOf<{ name: string }>()
        if (payload.type === 'post' && payload.error === undefined) {
          expectTypeOf(payload.result).toEqualTypeOf<{ id: string }>()
        }
      }
      if (payload.method === 'vm.start') {
        expectTypeOf(payload.params.id).toEqualTypeOf<string>()
        // @ts-expect-error vm.start has no name param
        payload.params.name
      }
    }
    expectTypeOf(handle).parameter(0).toEqualTypeOf<WebHookPayload<MyApi>>()
  })

  it('discriminates pre and post, and a post on result vs error', () => {
    const handle = (payload: WebHookPayload<MyApi>) => {
      if (payload.type === 'pre') {
        expectTypeOf(payload).toEqualTypeOf<WebHookPrePayload<MyApi>>()
        // @ts-expect-error a pre payload has no duration
        payload.duration
        return
      }
      expectTypeOf(payload).toEqualTypeOf<WebHookPostPayload<MyApi>>()
      expectTypeOf(payload.duration).toEqualTypeOf<number>()
      if (payload.error !== undefined) expectTypeOf(payload.error).toEqualTypeOf<SerializedError>()
    }
    expectTypeOf(handle).returns.toEqualTypeOf<void>()
  })

  it('reports a void method as result: true', () => {
    type StopPost = Extract<WebHookPostPayload<MyApi>, { method: 'vm.stop'; result: unknown }>
    expectTypeOf<StopPost['result']>().toEqualTypeOf<true>()
  })

  it('without a method map, params and result are unknown', () => {
    expectTypeOf<WebHookPrePayload['params']>().toEqualTypeOf<unknown>()
    expectTypeOf<WebHookPrePayload['method']>().toEqualTypeOf<string>()
  })

  it('rejects unknown methods', () => {
    expectTypeOf<WebHookPrePayload<MyApi>['method']>().toEqualTypeOf<'vm.start' | 'vm.stop' | 'vm.create'>()
    // @ts-expect-error not a method of MyApi
    const method: WebHookPrePayload<MyApi>['method'] = 'vm.delete'
    expectTypeOf(method).not.toBeAny()
  })
})

describe('withWebHooks types', () => {
  type Connection = { userId: string }
  const dispatch = async (method: 'vm.start' | 'vm.stop', params: { id: string }, connection: Connection) => ({
    method,
    id: params.id,
    by: connection.userId,
  })

  it('keeps the parameter types and returns a Promise of the result', () => {
    const call = withWebHooks(dispatch, { hooks: [] })
    expectTypeOf(call).parameters.toEqualTypeOf<['vm.start' | 'vm.stop', { id: string }, Connection]>()
    expectTypeOf(call).returns.toEqualTypeOf<Promise<{ method: 'vm.start' | 'vm.stop'; id: string; by: string }>>()
    // @ts-expect-error unknown method
    call('vm.delete', { id: 'a' }, { userId: 'u' })
  })

  it('makes a synchronous result a Promise', () => {
    const call = withWebHooks((_method: string, params: number) => params * 2, { hooks: [] })
    expectTypeOf(call).returns.toEqualTypeOf<Promise<number>>()
  })

  it('types user() with the dispatcher context and params', () => {
    withWebHooks(dispatch, {
      hooks: [],
      user: (connection, method, params) => {
        expectTypeOf(connection).toEqualTypeOf<Connection>()
        expectTypeOf(method).toEqualTypeOf<string>()
        expectTypeOf(params).toEqualTypeOf<{ id: string }>()
        return { id: connection.userId }
      },
    })
  })

  it('exposes the controller', () => {
    const call = withWebHooks(dispatch, { hooks: [] })
    expectTypeOf(call.webHooks.test).returns.toEqualTypeOf<Promise<void>>()
    expectTypeOf(call.webHooks.configure).parameter(0).toHaveProperty('hooks')
  })

  it('WebHookVetoError has its fields', () => {
    expectTypeOf<WebHookVetoError['code']>().toEqualTypeOf<'ERR_WEB_HOOK_VETOED' | 'ERR_WEB_HOOK_VETO_UNREACHABLE'>()
    expectTypeOf<WebHookVetoError['status']>().toEqualTypeOf<number | undefined>()
    expectTypeOf<WebHookVetoError['reason']>().toEqualTypeOf<string | undefined>()
  })
})

describe('method maps declared as interfaces', () => {
  interface VmApi {
    'vm.start': { params: { id: string }; result: boolean }
  }
  it('are accepted like type aliases', () => {
    expectTypeOf<WebHookPrePayload<VmApi>['params']>().toEqualTypeOf<{ id: string }>()
  })
})
