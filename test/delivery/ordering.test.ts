import { describe, expect, it } from 'vitest'
import { receiver, record, sleep, until, wrap } from '../core/setup.js'

/** For every call seen, its pre arrived before its post. */
function expectPreBeforePost(bodies: { type: string; callId: string }[]): void {
  const seenPre = new Set<string>()
  for (const body of bodies) {
    if (body.type === 'pre') seenPre.add(body.callId)
    else expect(seenPre.has(body.callId), `post of ${body.callId} before its pre`).toBe(true)
  }
}

describe('ordering', () => {
  it('a post never goes before its pre to the same URL, retries included', async () => {
    // Every pre fails twice: its post must wait for it.
    const failures = new Map<string, number>()
    const server = await receiver(request => {
      const { type, callId } = request.json
      if (type !== 'pre') return {}
      const count = failures.get(callId) ?? 0
      failures.set(callId, count + 1)
      return count < 2 ? { status: 503 } : {}
    })
    const call = wrap({
      hooks: [{ method: 'a', type: 'pre/post', url: server.url }],
      retry: { schedule: [5, 10] },
      breaker: false,
    })
    const events = record(call)
    await Promise.all(Array.from({ length: 20 }, (_, index) => call('a', { index })))
    await until(() => events['delivery:succeeded'].length === 40)
    expect(server.requests).toHaveLength(80)
    // The post of a call arrives after the last attempt of its pre.
    const lastPre = new Map<string, number>()
    server.requests.forEach((request, index) => {
      const { type, callId } = request.json
      if (type === 'pre') lastPre.set(callId, index)
      else expect(lastPre.get(callId) ?? Number.POSITIVE_INFINITY).toBeLessThan(index)
    })
    expect(lastPre.size).toBe(20)
  })

  it('receiver restarted mid-stream: nothing lost, pre before post for every call', async () => {
    let server = await receiver()
    const { port } = server
    const url = server.url
    const call = wrap({
      hooks: [{ method: 'a', type: 'pre/post', url }],
      retry: { retries: 50, minDelay: 10, maxDelay: 50 },
      breaker: false,
    })
    const events = record(call)
    const first = Promise.all(Array.from({ length: 50 }, (_, index) => call('a', { index })))
    await first
    const before = server.requests.map(request => request.json)
    await server.close()
    const second = Promise.all(Array.from({ length: 50 }, (_, index) => call('a', { index: 50 + index })))
    await second
    await sleep(50)
    server = await receiver(undefined, { port })
    await until(() => events['delivery:succeeded'].length === 200, 10_000)
    const all = [...before, ...server.requests.map(request => request.json)]
    const ids = new Set(all.map(body => `${body.callId}:${body.type}`))
    expect(ids.size).toBe(200)
    // Order per call, as each receiver saw it (a delivery may arrive twice if its answer was lost: dedupe).
    const seen = new Set<string>()
    const deduped = all.filter(body => {
      const key = `${body.callId}:${body.type}`
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
    expectPreBeforePost(deduped)
    expect(events['delivery:given-up']).toHaveLength(0)
    expect(events['delivery:failed'].length).toBeGreaterThan(0)
  })

  it("ordering: 'fifo' delivers strictly in order, one at a time, retries included", async () => {
    let inFlight = 0
    let maxInFlight = 0
    const server = await receiver(async (_request, index) => {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      await sleep(2)
      inFlight--
      return index % 3 === 0 ? { status: 500 } : {}
    })
    const call = wrap({
      hooks: [{ method: 'a', type: 'post', url: server.url }],
      queue: { ordering: 'fifo' },
      retry: { schedule: [5, 5, 5] },
    })
    const events = record(call)
    for (let index = 0; index < 20; index++) await call('a', { index })
    await until(() => events['delivery:succeeded'].length === 20)
    expect(maxInFlight).toBe(1)
    const order: number[] = []
    for (const request of server.requests) {
      const index = request.json.params.index as number
      if (order.at(-1) !== index) order.push(index)
    }
    expect(order).toEqual(Array.from({ length: 20 }, (_, index) => index))
  })

  it('respects the per-endpoint concurrency', async () => {
    let inFlight = 0
    let maxInFlight = 0
    const server = await receiver(async () => {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      await sleep(10)
      inFlight--
      return {}
    })
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url: server.url, concurrency: 3 }] })
    const events = record(call)
    await Promise.all(Array.from({ length: 30 }, (_, index) => call('a', { index })))
    await until(() => events['delivery:succeeded'].length === 30)
    expect(maxInFlight).toBeLessThanOrEqual(3)
    expect(maxInFlight).toBeGreaterThan(1)
  })
})
