import { describe, expectTypeOf, it } from 'vitest'
import {
  createReceiver,
  parseWebHookPayload,
  type SerializedError,
  type WebHookCallState,
  type WebHookPayload,
} from '../../src/receiver/index.js'

type Api = {
  'vm.start': { params: { id: string; force?: boolean }; result: boolean }
  'vm.delete': { params: { id: string }; result: void }
  'host.reboot': { params: { host: string }; result: { rebooted: true } }
}

describe('receiver types', () => {
  it('types params and result per method from the method map', () => {
    const receiver = createReceiver<Api>()
    receiver.on('vm.start', ({ payload }) => {
      expectTypeOf(payload.method).toEqualTypeOf<'vm.start'>()
      expectTypeOf(payload.params).toEqualTypeOf<{ id: string; force?: boolean }>()
      if (payload.type === 'post' && payload.error === undefined) expectTypeOf(payload.result).toEqualTypeOf<boolean>()
    })
    receiver.onPost('vm.delete', ({ payload, webHookId, headers }) => {
      expectTypeOf(webHookId).toEqualTypeOf<string | undefined>()
      expectTypeOf(headers).toEqualTypeOf<Readonly<Record<string, string>>>()
      // A method returning nothing is reported with `result: true`.
      if ('result' in payload && payload.result !== undefined) expectTypeOf(payload.result).toEqualTypeOf<true>()
      else expectTypeOf(payload.error).toEqualTypeOf<SerializedError>()
    })
  })

  it('narrows by pattern', () => {
    const receiver = createReceiver<Api>()
    receiver.onPre('vm.*', ({ payload }) => {
      expectTypeOf(payload.method).toEqualTypeOf<'vm.start' | 'vm.delete'>()
      expectTypeOf(payload.type).toEqualTypeOf<'pre'>()
      if (payload.method === 'vm.delete') expectTypeOf(payload.params).toEqualTypeOf<{ id: string }>()
    })
    receiver.onPre(({ payload }) => {
      expectTypeOf(payload.method).toEqualTypeOf<'vm.start' | 'vm.delete' | 'host.reboot'>()
    })
    receiver.onPost('*', ({ payload }) => {
      expectTypeOf(payload.type).toEqualTypeOf<'post'>()
      expectTypeOf(payload.duration).toEqualTypeOf<number>()
    })
    // `*` anywhere, as on the sender
    receiver.on('*.start', ({ payload }) => {
      expectTypeOf(payload.method).toEqualTypeOf<'vm.start'>()
    })
    receiver.on('*o*', ({ payload }) => {
      expectTypeOf(payload.method).toEqualTypeOf<'host.reboot'>()
    })
  })

  it('refuses a pattern that matches no method of the map', () => {
    const receiver = createReceiver<Api>()
    // @ts-expect-error a typo
    receiver.onPost('vm.strat', () => {})
    // @ts-expect-error no such prefix
    receiver.on('pool.*', () => {})
    // @ts-expect-error nothing ends with .stop
    receiver.on('*.stop', () => {})
    receiver.on('host.*', () => {})
  })

  it('lets pre handlers return a verdict, and post handlers anything', () => {
    const receiver = createReceiver<Api>()
    receiver.onPre('vm.delete', () => ({ allow: false, reason: 'protected' }))
    receiver.onPre('vm.delete', async () => ({ allow: true }))
    receiver.onPre('vm.start', () => {})
    // @ts-expect-error a verdict needs `allow`
    receiver.onPre('vm.start', () => ({ reason: 'no' }))
    receiver.onPost(() => 42)
  })

  it('gives onCall both halves, narrowed together by method', () => {
    createReceiver<Api>().onCall(state => {
      expectTypeOf(state).toEqualTypeOf<WebHookCallState<Api>>()
      expectTypeOf(state.callId).toEqualTypeOf<string>()
      expectTypeOf(state.pre.type).toEqualTypeOf<'pre'>()
      if (state.method === 'host.reboot') {
        expectTypeOf(state.pre.params).toEqualTypeOf<{ host: string }>()
        expectTypeOf(state.post.method).toEqualTypeOf<'host.reboot'>()
        if (state.post.error === undefined) expectTypeOf(state.post.result).toEqualTypeOf<{ rebooted: true }>()
      }
    })
  })

  it('is untyped (unknown params) without a method map', () => {
    createReceiver().on('anything.at.all', ({ payload }) => {
      expectTypeOf(payload.method).toEqualTypeOf<string>()
      expectTypeOf(payload.params).toEqualTypeOf<unknown>()
    })
  })

  it('parseWebHookPayload narrows to the typed payload', () => {
    const payload = parseWebHookPayload<Api>({})
    expectTypeOf(payload).toEqualTypeOf<WebHookPayload<Api>>()
    if (payload.type === 'pre' && payload.method === 'vm.start') expectTypeOf(payload.params.id).toEqualTypeOf<string>()
  })

  it('exposes adapters with framework-friendly signatures', () => {
    const receiver = createReceiver<Api>()
    expectTypeOf(receiver.fetch).toEqualTypeOf<(request: Request) => Promise<Response>>()
    expectTypeOf(receiver.handle).parameter(0).toHaveProperty('body')
  })
})
