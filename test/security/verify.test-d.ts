import { describe, expectTypeOf, it } from 'vitest'
import {
  type WebHookPayload,
  type WebHookVerificationErrorCode,
  type WebHookVerificationError,
  verifyWebHook,
} from '../../src/receiver/index.js'

type Api = { 'vm.start': { params: { id: string }; result: boolean }; 'vm.stop': { params: { force?: boolean } } }

describe('verifyWebHook types', () => {
  it('returns the payload typed by the method map', () => {
    const payload = verifyWebHook<Api>('{}', {}, 'whsec_x')
    expectTypeOf(payload).toEqualTypeOf<WebHookPayload<Api>>()
    if (payload.method === 'vm.start') expectTypeOf(payload.params).toEqualTypeOf<{ id: string }>()
    if (payload.type === 'post' && payload.method === 'vm.start' && payload.error === undefined) {
      expectTypeOf(payload.result).toEqualTypeOf<boolean>()
    }
    expectTypeOf(verifyWebHook('{}', {}, 'whsec_x')).toEqualTypeOf<WebHookPayload>()
  })

  it('takes strings, Buffers, Uint8Arrays, Headers, IncomingHttpHeaders, one secret or several', () => {
    verifyWebHook(Buffer.from('{}'), new Headers(), ['whsec_a', 'whsec_b'], { tolerance: 60, now: () => 0 })
    verifyWebHook(new Uint8Array(), { 'webhook-id': ['a'], other: undefined }, 'whsec_a')
    // @ts-expect-error a parsed body is not accepted
    verifyWebHook({}, {}, 'whsec_a')
    // @ts-expect-error secrets are strings
    verifyWebHook('{}', {}, 42)
    // @ts-expect-error unknown option
    verifyWebHook('{}', {}, 'whsec_a', { toleranceMs: 1 })
  })

  it('has a typed code', () => {
    expectTypeOf<WebHookVerificationError['code']>().toEqualTypeOf<WebHookVerificationErrorCode>()
    expectTypeOf<WebHookVerificationError['name']>().toEqualTypeOf<'WebHookVerificationError'>()
  })
})
