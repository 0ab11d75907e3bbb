import { describe, expect, it } from 'vitest'
import { receiver, record, until, wrap } from '../core/setup.js'

describe('waited deliveries', () => {
  it('a waited pre goes before queued deliveries to its endpoint', async () => {
    const server = await receiver(async request => (request.json.method === 'slow' ? { delay: 100 } : {}))
    const call = wrap({
      hooks: [
        { method: 'slow', type: 'post', url: server.url, concurrency: 1 },
        { method: 'gate', type: 'pre', url: server.url, waitForResponse: true, timeout: 2000, concurrency: 1 },
      ],
    })
    const events = record(call)
    for (let index = 0; index < 5; index++) await call('slow', { index })
    await server.waitFor(1)
    await call('gate', {})
    // The gate's pre was sent right after the post in flight, ahead of the four still queued.
    expect(server.requests.map(request => request.json.method).slice(0, 2)).toEqual(['slow', 'gate'])
    await until(() => events['delivery:succeeded'].length === 6)
  })

  it("a waited pre's deadline aborts its request in flight; the call goes ahead", async () => {
    const server = await receiver(() => ({ delay: 2000 }))
    const call = wrap({ hooks: [{ method: 'a', type: 'pre', url: server.url, waitForResponse: true, timeout: 100 }] })
    const events = record(call)
    const started = Date.now()
    await call('a', {})
    expect(Date.now() - started).toBeLessThan(1500)
    await until(() => events['delivery:given-up'].length === 1)
    expect(events['delivery:given-up'][0]!.error).toMatchObject({ code: 'ERR_WEB_HOOK_DELIVERY_TIMEOUT' })
  })

  it('safeUrls refuses a loopback receiver without retrying', async () => {
    const server = await receiver()
    const call = wrap({
      hooks: [{ method: 'a', type: 'post', url: server.url }],
      safeUrls: true,
      retry: { schedule: [5] },
    })
    const events = record(call)
    await call('a', {})
    await until(() => events['delivery:given-up'].length === 1)
    expect(events['delivery:given-up'][0]!.error).toMatchObject({ code: 'ERR_WEB_HOOK_UNSAFE_URL' })
    expect(events['delivery:given-up'][0]!.attempts).toBe(1)
    expect(server.requests).toHaveLength(0)
  })
})
