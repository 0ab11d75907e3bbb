import { describe, expect, it } from 'vitest'
import { isWebHookError } from '../../src/index.js'
import { receiver, record, sleep, until, wrap } from '../core/setup.js'

const fast = { schedule: [10, 20, 40] }

describe('retries', () => {
  it('503 twice then 200: delivered once, same webhook-id on every attempt', async () => {
    const server = await receiver((_request, index) => ({ status: index < 2 ? 503 : 200 }))
    const call = wrap({ hooks: [{ method: 'vm.start', type: 'post', url: server.url }], retry: fast })
    const events = record(call)
    await call('vm.start', { id: 1 })
    await until(() => events['delivery:succeeded'].length === 1)
    expect(server.requests).toHaveLength(3)
    const ids = new Set(server.requests.map(request => request.headers['webhook-id']))
    expect(ids.size).toBe(1)
    expect([...ids][0]).toMatch(/^msg_/)
    expect(server.requests[0]!.headers['content-type']).toBe('application/json')
    expect(events['delivery:failed'].map(event => event.attemptsLeft)).toEqual([3, 2])
    expect(events['delivery:failed'][0]!.nextRetryAt).toBeTypeOf('number')
    expect(events['delivery:succeeded'][0]).toMatchObject({ attempts: 3, status: 200, type: 'post' })
    const stats = call.webHooks.stats().endpoints[`${server.url}/`]!
    expect(stats).toMatchObject({ delivered: 1, retried: 2, failed: 0, queued: 0, inFlight: 0 })
  })

  it('signs every attempt afresh when the hook has a secret', async () => {
    const server = await receiver((_request, index) => ({ status: index < 1 ? 500 : 200 }))
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url: server.url, secret }], retry: { schedule: [10] } })
    await call('a', {})
    await server.waitFor(2)
    const { Webhook } = await import('standardwebhooks')
    for (const request of server.requests) {
      expect(() => new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).not.toThrow()
    }
    const [first, second] = server.requests
    expect(first!.headers['webhook-id']).toBe(second!.headers['webhook-id'])
    expect(second!.headers['webhook-timestamp']).toMatch(/^\d+$/)
  })

  it('honours Retry-After on 429 (seconds or HTTP date), capped by maxDelay', async () => {
    const replies = [
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 429, headers: { 'retry-after': '3600' } },
      { status: 503, headers: { 'retry-after': new Date(Date.now() - 5000).toUTCString() } },
    ]
    const server = await receiver((_request, index) => replies[index] ?? {})
    const call = wrap({
      hooks: [{ method: 'a', type: 'post', url: server.url }],
      retry: { retries: 5, minDelay: 60, maxDelay: 60, jitter: false },
    })
    const delays: number[] = []
    call.webHooks.on('delivery:failed', event => delays.push(event.nextRetryAt! - Date.now()))
    const events = record(call)
    await call('a', {})
    await until(() => events['delivery:succeeded'].length === 1, 2000)
    expect(server.requests).toHaveLength(4)
    // Retry-After: 0 and a past date beat the 60 ms backoff; Retry-After: 3600 is capped at maxDelay (60 ms).
    expect(delays[0]).toBeLessThanOrEqual(1)
    expect(delays[1]).toBeGreaterThan(50)
    expect(delays[1]).toBeLessThanOrEqual(60)
    expect(delays[2]).toBeLessThanOrEqual(1)
  })

  it('retries a connection reset', async () => {
    const server = await receiver((_request, index) => (index === 0 ? { reset: true } : {}))
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url: server.url }], retry: fast })
    const events = record(call)
    await call('a', {})
    await until(() => events['delivery:succeeded'].length === 1)
    expect(events['delivery:failed'][0]!.error).toMatchObject({ code: 'ERR_WEB_HOOK_DELIVERY_NETWORK' })
  })

  it('retries a timeout', async () => {
    const server = await receiver((_request, index) => (index === 0 ? { delay: 300 } : {}))
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url: server.url }], retry: fast, timeout: 100 })
    const events = record(call)
    await call('a', {})
    await until(() => events['delivery:succeeded'].length === 1)
    expect(events['delivery:failed'][0]!.error).toMatchObject({ code: 'ERR_WEB_HOOK_DELIVERY_TIMEOUT' })
  })

  it.each([400, 404, 302])('does not retry %i, gives up with onError', async status => {
    const server = await receiver(() => ({ status, body: 'nope'.repeat(2000), headers: { location: '/elsewhere' } }))
    const errors: unknown[] = []
    const call = wrap({
      hooks: [{ method: 'a', type: 'post', url: server.url }],
      retry: fast,
      onError: event => errors.push(event),
    })
    const events = record(call)
    await call('a', {})
    await until(() => events['delivery:given-up'].length === 1)
    await sleep(60)
    expect(server.requests).toHaveLength(1)
    const error = events['delivery:given-up'][0]!.error as Error & { status: number; body: string }
    expect(isWebHookError(error)).toBe(true)
    expect(error).toMatchObject({ name: 'WebHookDeliveryError', code: 'ERR_WEB_HOOK_DELIVERY_STATUS', status })
    expect(error.body.length).toBeLessThanOrEqual(4096)
    expect(errors).toHaveLength(1)
    expect(call.webHooks.stats().endpoints[`${server.url}/`]).toMatchObject({ failed: 1, delivered: 0 })
  })

  it('retry: false makes one attempt', async () => {
    const server = await receiver(() => ({ status: 503 }))
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url: server.url, retry: false }] })
    const events = record(call)
    await call('a', {})
    await until(() => events['delivery:given-up'].length === 1)
    expect(events['delivery:given-up'][0]).toMatchObject({ attempts: 1, status: 503 })
  })

  it('a waited pre or veto hook makes one attempt by default: a receiver refusing connections fails it at once', async () => {
    const down = await receiver()
    await down.close() // nothing listens there now: connections are refused
    const call = wrap({
      hooks: [
        { method: 'a', type: 'pre/post', url: `${down.url}/wait`, waitForResponse: true, timeout: 5000 },
        { method: 'b', type: 'pre', url: `${down.url}/veto`, veto: true, timeout: 5000 },
      ],
      retry: { retries: 5, minDelay: 10, maxDelay: 10 },
    })
    const events = record(call)
    await expect(call('a', {})).resolves.toMatchObject({ method: 'a' })
    await expect(call('b', {})).rejects.toMatchObject({ code: 'ERR_WEB_HOOK_VETO_UNREACHABLE' })
    const pres = events['delivery:given-up'].filter(event => event.type === 'pre')
    expect(pres.map(event => [event.method, event.attempts, event.error.code])).toEqual([
      ['a', 1, 'ERR_WEB_HOOK_DELIVERY_NETWORK'],
      ['b', 1, 'ERR_WEB_HOOK_DELIVERY_NETWORK'],
    ])
    expect(events['delivery:failed'].filter(event => event.type === 'pre').map(e => e.attemptsLeft)).toEqual([0, 0])
    // The post of the same hook is fire-and-forget: it keeps the configured retries.
    await until(() => events['delivery:failed'].some(event => event.type === 'post'))
    expect(events['delivery:failed'].find(event => event.type === 'post')?.attemptsLeft).toBe(5)
  })

  it('a waited pre retries within its timeout when the hook asks (its own retry), never delaying the call past it', async () => {
    const server = await receiver(() => ({ status: 503 }))
    const call = wrap({
      hooks: [
        {
          method: 'a',
          type: 'pre',
          url: server.url,
          waitForResponse: true,
          timeout: 150,
          retry: { schedule: [20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20] },
        },
      ],
    })
    const events = record(call)
    const started = Date.now()
    await call('a', {})
    expect(Date.now() - started).toBeLessThan(1000)
    expect(server.requests.length).toBeGreaterThan(1)
    await until(() => events['delivery:given-up'].length === 1)
  })
})
