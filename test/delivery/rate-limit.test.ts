/**
 * Issue 13, item 3: a 429 (or a 503 with Retry-After) is the receiver asking to slow down. The whole endpoint waits
 * until Retry-After, the breaker does not count it, the concurrency halves on it and climbs back per success, shown
 * in stats(). Two wrappers in one process never share endpoint state.
 */
import { describe, expect, it } from 'vitest'
import type { ReceivedRequest } from '../helpers/receiver.js'
import { receiver, record, until, wrap } from '../core/setup.js'

/** A receiver's limiter: at most `perSecond` requests accepted in any second, else 429 with `Retry-After: 1`. */
function limiter(perSecond: number, status = 429) {
  const accepted: number[] = []
  let limited = 0
  const respond = () => {
    const now = Date.now()
    while (accepted.length > 0 && accepted[0]! <= now - 1000) accepted.shift()
    if (accepted.length >= perSecond) {
      limited++
      return { status, headers: { 'retry-after': '1' } }
    }
    accepted.push(now)
    return {}
  }
  return { respond, limited: () => limited }
}

describe('rate limits (429, 503 with Retry-After)', () => {
  it('60 deliveries to a receiver allowing 10/s all arrive, the breaker never opens, stats show the throttle', async () => {
    const limit = limiter(10)
    const server = await receiver(limit.respond)
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url: server.url, concurrency: 8 }] })
    const events = record(call)
    const seen = { minConcurrency: 8, pausedUntil: 0 }
    const watch = setInterval(() => {
      const stats = call.webHooks.stats().endpoints[`${server.url}/`]
      if (stats === undefined) return
      seen.minConcurrency = Math.min(seen.minConcurrency, stats.concurrency)
      seen.pausedUntil = Math.max(seen.pausedUntil, stats.pausedUntil ?? 0)
    }, 5)
    const started = Date.now()
    for (let index = 0; index < 60; index++) await call('a', { index })
    try {
      await until(() => events['delivery:succeeded'].length + events['delivery:given-up'].length === 60, 40_000)
    } finally {
      clearInterval(watch)
    }
    expect(events['delivery:given-up']).toEqual([])
    expect(events['endpoint:paused']).toEqual([])
    const stats = call.webHooks.stats().endpoints[`${server.url}/`]!
    expect(stats).toMatchObject({ delivered: 60, breaker: 'closed', rateLimited: limit.limited() })
    expect(stats.rateLimited).toBeGreaterThan(0)
    expect(seen.minConcurrency).toBeLessThan(8)
    // Additive increase: one more in flight per success, back up to the configured 8.
    expect(stats.concurrency).toBeGreaterThan(seen.minConcurrency)
    expect(stats.concurrency).toBeLessThanOrEqual(8)
    expect(seen.pausedUntil).toBeGreaterThan(started)
  }, 60_000)

  it('a 429 pauses every delivery to the endpoint until Retry-After, not only the one answered', async () => {
    let first: number | undefined
    const server = await receiver((_request, index) => {
      if (index === 0) {
        first = Date.now()
        return { status: 429, headers: { 'retry-after': '1' } }
      }
      return {}
    })
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url: server.url, concurrency: 1 }] })
    const events = record(call)
    for (let index = 0; index < 5; index++) await call('a', { index })
    await until(() => events['delivery:succeeded'].length === 5, 10_000)
    const after = server.requests.slice(1)
    // Nothing at all was sent while the endpoint waited out its Retry-After.
    for (const request of after) expect(request.receivedAt - first!).toBeGreaterThanOrEqual(990)
    expect(events['delivery:failed'].map(event => event.status)).toEqual([429])
    // Concurrency 1 cannot halve below 1; it is back at 1.
    expect(call.webHooks.stats().endpoints[`${server.url}/`]).toMatchObject({ concurrency: 1, rateLimited: 1 })
  }, 20_000)

  it('a 503 with Retry-After is a rate limit too; a 503 without it is a breaker failure', async () => {
    const withHeader = await receiver(() => ({ status: 503, headers: { 'retry-after': '30' } }))
    const without = await receiver(() => ({ status: 503 }))
    const options = { retry: { schedule: [1, 1, 1, 1] }, breaker: { threshold: 2, cooldown: 60_000 } }
    const limited = wrap({ hooks: [{ method: 'a', type: 'post', url: withHeader.url, concurrency: 4 }], ...options })
    const failing = wrap({ hooks: [{ method: 'a', type: 'post', url: without.url, concurrency: 4 }], ...options })
    const [limitedEvents, failingEvents] = [record(limited), record(failing)]
    for (let index = 0; index < 4; index++) {
      await limited('a', { index })
      await failing('a', { index })
    }
    await until(() => failingEvents['endpoint:paused'].length === 1)
    await until(() => limitedEvents['delivery:failed'].length >= 4)
    const stats = limited.webHooks.stats().endpoints[`${withHeader.url}/`]!
    expect(limitedEvents['endpoint:paused']).toEqual([])
    expect(stats).toMatchObject({ breaker: 'closed', concurrency: 2 })
    expect(stats.pausedUntil).toBeGreaterThan(Date.now())
    expect(failing.webHooks.stats().endpoints[`${without.url}/`]).toMatchObject({ breaker: 'open', rateLimited: 0 })
  }, 20_000)

  it('two wrappers to one URL keep their own endpoint state, side by side', async () => {
    // The receiver limits the sender named "first" only (a per-client limiter), and answers "second" at once.
    const sender = (request: ReceivedRequest) => request.headers['x-sender']
    const server = await receiver(request =>
      sender(request) === 'first' ? { status: 429, headers: { 'retry-after': '30' } } : {}
    )
    const url = `${server.url}/hooks`
    const hooks = [{ method: 'a', type: 'post', url }] as const
    const first = wrap({ hooks, headers: { 'x-sender': 'first' }, retry: { schedule: [60_000] } })
    const firstEvents = record(first)
    await first('a', {})
    await until(() => first.webHooks.stats().endpoints[url]?.pausedUntil !== undefined)
    // The second one is made after the first is paused, for the same URL.
    const second = wrap({ hooks, headers: { 'x-sender': 'second' } })
    const secondEvents = record(second)
    for (let index = 0; index < 10; index++) await second('a', { index })
    await until(() => secondEvents['delivery:succeeded'].length === 10, 10_000)
    expect(second.webHooks.stats().endpoints[url]).toMatchObject({ delivered: 10, rateLimited: 0, concurrency: 8 })
    expect(second.webHooks.stats().endpoints[url]!.pausedUntil).toBeUndefined()
    expect(first.webHooks.stats().endpoints[url]).toMatchObject({ delivered: 0, rateLimited: 1, queued: 1 })
    expect(firstEvents['delivery:succeeded']).toEqual([])
    // Same for the breaker: the first one's open breaker does not pause the second.
    const down = await receiver(request => (sender(request) === 'first' ? { status: 500 } : {}))
    const downHooks = [{ method: 'a', type: 'post', url: down.url }] as const
    const third = wrap({
      hooks: downHooks,
      headers: { 'x-sender': 'first' },
      retry: { schedule: [1, 1] },
      breaker: { threshold: 2, cooldown: 60_000 },
    })
    const thirdEvents = record(third)
    await third('a', {})
    await until(() => thirdEvents['endpoint:paused'].length === 1)
    const fourth = wrap({ hooks: downHooks, headers: { 'x-sender': 'second' } })
    const fourthEvents = record(fourth)
    await fourth('a', {})
    await until(() => fourthEvents['delivery:succeeded'].length === 1)
    expect(fourth.webHooks.stats().endpoints[`${down.url}/`]!.breaker).toBe('closed')
  }, 20_000)
})
