import ky from 'ky'
import { describe, expect, it } from 'vitest'
import { backoffDelay, parseRetryAfter } from '../../src/delivery/retry.js'
import { kyTransport, undiciTransport, WebHookDeliveryError, type WebHookTransport } from '../../src/index.js'
import { serve } from '../helpers/serve.js'
import { onCleanup } from '../core/setup.js'
import { receiver, record, until, wrap } from '../core/setup.js'

/**
 * The transport contract (issue 11): a failed exchange rejects with a classified error, the same for every
 * transport, and the engine takes its class from there (a timeout or a network failure, both retried).
 */
const transports: Array<[string, () => WebHookTransport]> = [
  ['undiciTransport', () => undiciTransport({ proxy: false })],
  ['kyTransport', () => kyTransport()],
]

const failures = [
  // A short timeout only where the timeout is the point: a loaded machine must not turn the others into timeouts.
  {
    name: 'a receiver slower than the timeout',
    reply: { delay: 1000 },
    timeout: 50,
    code: 'ERR_WEB_HOOK_DELIVERY_TIMEOUT',
  },
  { name: 'a reset connection', reply: { reset: true }, timeout: 5000, code: 'ERR_WEB_HOOK_DELIVERY_NETWORK' },
  { name: 'nothing listening', reply: undefined, timeout: 5000, code: 'ERR_WEB_HOOK_DELIVERY_NETWORK' },
] as const

async function failingUrl(reply: (typeof failures)[number]['reply']): Promise<string> {
  if (reply !== undefined) return (await receiver(() => reply)).url
  const closed = await serve(() => {})
  await closed.close()
  return closed.url
}

describe.each(transports)('%s classifies failures', (_name, make) => {
  it.each(failures)('$name: $code, directly and through the engine', async ({ reply, timeout, code }) => {
    const url = await failingUrl(reply)
    const transport = make()
    onCleanup(() => transport.close?.())
    const direct = await transport({ url, method: 'POST', headers: {}, body: '{}', timeout }).catch(e => e)
    expect(direct).toBeInstanceOf(WebHookDeliveryError)
    expect(direct).toMatchObject({ code, url })
    expect((direct as Error).cause).toBeInstanceOf(Error)
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url, retry: { schedule: [5] }, timeout }], transport })
    const events = record(call)
    await call('a', {})
    await until(() => events['delivery:given-up'].length === 1)
    expect(events['delivery:failed'].map(event => event.error.code)).toEqual([code, code])
    expect(events['delivery:given-up'][0]!.error).toMatchObject({ code, cause: expect.any(Error) })
  })
})

describe('transports', () => {
  it('kyTransport delivers, retries and reports like the default', async () => {
    const server = await receiver((_request, index) => (index === 0 ? { status: 502 } : {}))
    const seen: string[] = []
    const instance = ky.create({ hooks: { beforeRequest: [request => void seen.push(request.url)] } })
    const call = wrap({
      hooks: [{ method: 'a', type: 'post', url: server.url }],
      retry: { schedule: [5] },
      transport: kyTransport({ ky: instance }),
    })
    const events = record(call)
    await call('a', {})
    await until(() => events['delivery:succeeded'].length === 1)
    expect(seen).toHaveLength(2)
    expect(server.requests[0]!.headers['webhook-id']).toBe(server.requests[1]!.headers['webhook-id'])
  })

  it('kyTransport reports a timeout', async () => {
    const server = await receiver(() => ({ delay: 300 }))
    const call = wrap({
      hooks: [{ method: 'a', type: 'post', url: server.url, retry: false, timeout: 50 }],
      transport: kyTransport(),
    })
    const events = record(call)
    await call('a', {})
    await until(() => events['delivery:given-up'].length === 1)
    expect(events['delivery:given-up'][0]!.error).toMatchObject({ code: 'ERR_WEB_HOOK_DELIVERY_TIMEOUT' })
  })

  it('undiciTransport does not follow redirects and caps the body it reads', async () => {
    const server = await receiver(() => ({ status: 307, headers: { location: '/x' }, body: 'x'.repeat(100_000) }))
    const transport = undiciTransport({ proxy: false, maxResponseBody: 100 })
    const response = await transport({ url: server.url, method: 'POST', headers: {}, body: '{}', timeout: 1000 })
    expect(response.status).toBe(307)
    expect(response.body).toHaveLength(100)
    expect(server.requests).toHaveLength(1)
    await transport.close()
  })
})

describe('retry timing', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('3', now)).toBe(3000)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000)
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:10 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
  })

  it('backs off exponentially with full jitter under the cap, or follows the schedule', () => {
    const policy = { schedule: undefined, retries: 10, minDelay: 100, maxDelay: 1000, jitter: false }
    expect([1, 2, 3, 4, 5].map(retry => backoffDelay(policy, retry))).toEqual([100, 200, 400, 800, 1000])
    expect(backoffDelay({ ...policy, jitter: true }, 3, () => 0.5)).toBe(200)
    expect(backoffDelay({ ...policy, schedule: [5, 50] }, 2)).toBe(50)
  })
})
