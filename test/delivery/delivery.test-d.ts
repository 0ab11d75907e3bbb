import { expectTypeOf, test } from 'vitest'
import {
  kyTransport,
  memoryStore,
  undiciTransport,
  type WebHookDeliveryError,
  type WebHookDeliveryErrorCode,
  type WebHookDeliveryFailure,
  type WebHookPayloadError,
  type WebHookUnsafeUrlError,
  type WebHookUserError,
  type WebHookStats,
  type WebHookStore,
  type WebHookTransport,
  withWebHooks,
} from '../../src/index.js'

test('delivery events, transports, stores and stats are typed', () => {
  const call = withWebHooks(async (_method: string, params: unknown) => params, { hooks: [] })
  call.webHooks.on('delivery:failed', event => {
    expectTypeOf(event.attemptsLeft).toBeNumber()
    expectTypeOf(event.nextRetryAt).toEqualTypeOf<number | undefined>()
    expectTypeOf(event.error).toEqualTypeOf<WebHookDeliveryFailure>()
    expectTypeOf(event.error.code).toEqualTypeOf<WebHookDeliveryErrorCode | 'ERR_WEB_HOOK_UNSAFE_URL'>()
  })
  call.webHooks.on('delivery:given-up', ({ error }) => {
    expectTypeOf(error).toEqualTypeOf<WebHookDeliveryError | WebHookUnsafeUrlError>()
    if (error.code === 'ERR_WEB_HOOK_UNSAFE_URL') expectTypeOf(error.range).toBeString()
    else expectTypeOf(error.status).toEqualTypeOf<number | undefined>()
  })
  withWebHooks(async () => 1, {
    hooks: [],
    onError: ({ error }) => {
      expectTypeOf(error).toEqualTypeOf<
        WebHookDeliveryError | WebHookUnsafeUrlError | WebHookUserError | WebHookPayloadError
      >()
      expectTypeOf(error.code).toBeString()
    },
  })
  call.webHooks.on('delivery:dropped', event => {
    expectTypeOf(event.reason).toEqualTypeOf<'overflow' | 'closed'>()
    expectTypeOf(event.delivery.body).toBeString()
  })
  // @ts-expect-error unknown event
  call.webHooks.on('delivery:unknown', () => {})
  expectTypeOf(undiciTransport()).toMatchTypeOf<WebHookTransport>()
  expectTypeOf(kyTransport()).toMatchTypeOf<WebHookTransport>()
  expectTypeOf(memoryStore()).toMatchTypeOf<WebHookStore>()
  expectTypeOf(call.webHooks.stats()).toEqualTypeOf<WebHookStats>()
  expectTypeOf<WebHookDeliveryError['code']>().toEqualTypeOf<WebHookDeliveryErrorCode>()
  expectTypeOf(call.webHooks.close()).resolves.toHaveProperty('undelivered')
  // @ts-expect-error overflow is a closed set
  withWebHooks(async () => 1, { hooks: [], queue: { overflow: 'drop-all' } })
})
