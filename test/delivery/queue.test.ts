import { describe, expect, it } from 'vitest'
import { WebHookConfigError } from '../../src/index.js'
import { receiver, record, until, wrap } from '../core/setup.js'

/** A URL where nothing listens: every attempt fails at once. */
async function downUrl(): Promise<string> {
  const server = await receiver()
  await server.close()
  return server.url
}

describe('bounded queue', () => {
  it("drop-oldest evicts the endpoint's oldest queued deliveries and reports each one", async () => {
    const url = await downUrl()
    const errors: unknown[] = []
    const call = wrap({
      hooks: [{ method: 'a', type: 'post', url }],
      retry: { schedule: [60_000] },
      queue: { maxSizePerEndpoint: 5, overflow: 'drop-oldest' },
      onError: event => errors.push(event),
    })
    const events = record(call)
    for (let index = 0; index < 8; index++) await call('a', { index })
    await until(() => events['delivery:dropped'].length === 3)
    expect(events['delivery:dropped'].map(event => JSON.parse(event.delivery.body).params.index)).toEqual([0, 1, 2])
    expect(events['delivery:dropped'][0]).toMatchObject({ reason: 'overflow', delivery: { type: 'post', method: 'a' } })
    expect(call.webHooks.stats()).toMatchObject({ queued: 5, dropped: 3 })
    expect(errors).toHaveLength(3)
    const { undelivered } = await call.webHooks.close({ timeout: 0 })
    expect(undelivered.map(delivery => JSON.parse(delivery.body).params.index)).toEqual([3, 4, 5, 6, 7])
  })

  it('drop-oldest may evict a pre: its post is then released, never stuck', async () => {
    let up = false
    const server = await receiver(() => (up ? {} : { status: 503 }))
    const call = wrap({
      hooks: [{ method: 'a', type: 'pre/post', url: server.url, concurrency: 1 }],
      retry: { schedule: [30] },
      breaker: false,
      queue: { maxSizePerEndpoint: 2, overflow: 'drop-oldest' },
    })
    const events = record(call)
    await call('a', { index: 0 }) // pre 0 fails and waits for its retry; post 0 waits behind it
    await until(() => events['delivery:failed'].length === 1)
    await call('a', { index: 1 }) // evicts pre 0, which releases post 0; then evicts post 0
    up = true
    await until(() => events['delivery:succeeded'].length === 2)
    expect(
      events['delivery:dropped'].map(event => [event.delivery.type, JSON.parse(event.delivery.body).params.index])
    ).toEqual([
      ['pre', 0],
      ['post', 0],
    ])
    expect(call.webHooks.stats()).toMatchObject({ queued: 0 })
  })

  it('drop-newest refuses new deliveries once full', async () => {
    const url = await downUrl()
    const call = wrap({
      hooks: [{ method: 'a', type: 'post', url }],
      retry: { schedule: [60_000] },
      queue: { maxSize: 4, overflow: 'drop-newest' },
    })
    const events = record(call)
    for (let index = 0; index < 7; index++) await call('a', { index })
    expect(events['delivery:dropped'].map(event => JSON.parse(event.delivery.body).params.index)).toEqual([4, 5, 6])
    expect(call.webHooks.stats().endpoints[`${url}/`]).toMatchObject({ queued: 4, dropped: 3 })
  })

  it('the global limit spans endpoints', async () => {
    const [one, two] = [await downUrl(), await downUrl()]
    const call = wrap({
      hooks: [
        { method: 'a', type: 'post', url: one },
        { method: 'a', type: 'post', url: two },
      ],
      retry: { schedule: [60_000] },
      queue: { maxSize: 6, overflow: 'drop-newest' },
    })
    const events = record(call)
    for (let index = 0; index < 5; index++) await call('a', { index })
    expect(call.webHooks.stats().queued).toBe(6)
    expect(events['delivery:dropped']).toHaveLength(4)
  })

  it('close() drains what it can before the deadline and returns the rest', async () => {
    const server = await receiver(request => (request.json.params.slow ? { delay: 5000 } : {}))
    const url = await downUrl()
    const call = wrap({
      hooks: [
        { method: 'a', type: 'post', url: server.url },
        { method: 'b', type: 'post', url, retry: { schedule: [60_000] } },
      ],
    })
    const events = record(call)
    await call('a', { slow: false })
    await call('a', { slow: true })
    await call('b', { down: true })
    const started = Date.now()
    const { undelivered } = await call.webHooks.close({ timeout: 200 })
    expect(Date.now() - started).toBeLessThan(2000)
    expect(events['delivery:succeeded']).toHaveLength(1)
    expect(undelivered.map(delivery => JSON.parse(delivery.body).params)).toEqual([{ slow: true }, { down: true }])
    expect(undelivered[0]).toMatchObject({ url: `${server.url}/`, type: 'post', method: 'a' })
    expect(undelivered[0]!.id).toMatch(/^msg_/)
    expect(undelivered[0]!.callId).toBeTypeOf('string')
  })

  it("a second close() gets the first one's result and does not cut its drain short", async () => {
    const server = await receiver(() => ({ delay: 100 }))
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url: server.url }] })
    const events = record(call)
    await call('a', {})
    await server.waitFor(1)
    const first = call.webHooks.close({ timeout: 5000 })
    const second = call.webHooks.close({ timeout: 0 })
    expect((await second).undelivered).toEqual([])
    expect(await first).toEqual(await second)
    expect(events['delivery:succeeded']).toHaveLength(1)
  })

  it('close() returns at once when everything was delivered', async () => {
    const server = await receiver()
    const call = wrap({ hooks: [{ method: 'a', type: 'pre/post', url: server.url }] })
    await call('a', {})
    const { undelivered } = await call.webHooks.close({ timeout: 10_000 })
    expect(undelivered).toEqual([])
    expect(server.requests).toHaveLength(2)
  })

  it.each([
    [{ queue: { maxSize: 0 } }, 'queue.maxSize'],
    [{ queue: { maxSizePerEndpoint: 1.5 } }, 'queue.maxSizePerEndpoint'],
    [{ queue: { overflow: 'drop-all' } }, 'queue.overflow'],
    [{ queue: { ordering: 'random' } }, 'queue.ordering'],
    [{ breaker: { threshold: 0 } }, 'breaker.threshold'],
    [{ breaker: { cooldown: -1 } }, 'breaker.cooldown'],
  ])('rejects %j with a clear error', (options, path) => {
    expect(() => wrap({ hooks: [], ...(options as object) })).toThrowError(WebHookConfigError)
    expect(() => wrap({ hooks: [], ...(options as object) })).toThrowError(path)
  })
})
