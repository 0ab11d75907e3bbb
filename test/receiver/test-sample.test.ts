/**
 * Xen Orchestra's test sample (callId "0", timestamp 0, a post without duration or result) is answered 204 without
 * running handlers, so XO's Test button and the sender's `test()` succeed against a receiver.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { withWebHooks } from '../../src/index.js'
import { createReceiver, isWebHookTestPayload, type WebHookTestPayload } from '../../src/receiver/index.js'
import { pre, SECRET, type Served, send, serve } from './helpers/server.js'

const sample = (type: 'pre' | 'post') => ({
  type,
  callId: '0',
  userId: 'b4tm4n',
  userName: 'bruce.wayne@waynecorp.com',
  method: 'vm.start',
  params: { id: '67aac198-0174-11ea-8d71-362b9e155667' },
  timestamp: 0,
})

let served: Served | undefined
afterEach(async () => {
  await served?.close()
  served = undefined
})

describe("XO's test sample", () => {
  it('is recognised by isWebHookTestPayload', () => {
    expect(isWebHookTestPayload(sample('post'))).toBe(true)
    expect(isWebHookTestPayload(pre())).toBe(false)
    expect(isWebHookTestPayload({ ...sample('pre'), timestamp: 5 })).toBe(false)
  })

  it('is answered 204 and given to onTest only', async () => {
    const tests: WebHookTestPayload[] = []
    let handled = 0
    const receiver = createReceiver({ secret: SECRET, onTest: ({ payload }) => tests.push(payload) })
    receiver.on('*', () => void handled++).onCall(() => void handled++)
    served = await serve(receiver.node)
    expect((await send(served.url, sample('pre'), { secret: SECRET })).status).toBe(204)
    expect((await send(served.url, sample('post'), { secret: SECRET })).status).toBe(204)
    expect(tests.map(payload => payload.type)).toEqual(['pre', 'post'])
    expect(handled).toBe(0)
    expect(receiver.pending).toBe(0)
  })

  it("lets the sender's test() succeed against a receiver", async () => {
    const receiver = createReceiver({ secret: SECRET })
    served = await serve(receiver.node)
    const call = withWebHooks(async () => true, {
      secret: SECRET,
      retry: false,
      hooks: [{ method: 'vm.start', type: 'pre/post', url: served.url, format: 'json' }],
    })
    try {
      await expect(call.webHooks.test()).resolves.toBeUndefined()
    } finally {
      await call.webHooks.close({ timeout: 1000 })
    }
  })
})
