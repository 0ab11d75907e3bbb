import { expectTypeOf, test } from 'vitest'
import {
  kyTransport,
  memoryStore,
  undiciTransport,
  type WebHookDeliveryError,
  type WebHookDeliveryErrorCode,
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
    expectTypeOf(event.error).toEqualTypeOf<Error>()
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
