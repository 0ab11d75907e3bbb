import { describe, expect, it } from 'vitest'
import { receiver, record, sleep, until, wrap } from '../core/setup.js'

describe('endpoint state', () => {
  it('410 Gone stops the endpoint until configure', async () => {
    const server = await receiver((_request, index) => (index === 0 ? { status: 410 } : {}))
    const warnings: unknown[][] = []
    const logger = { warn: (...args: unknown[]) => warnings.push(args), error: () => {} }
    const hooks = [{ method: 'a', type: 'post', url: server.url }] as const
    const call = wrap({ hooks, retry: { schedule: [5] }, logger })
    const events = record(call)
    await call('a', { n: 1 })
    await until(() => events['endpoint:gone'].length === 1)
    await call('a', { n: 2 })
    await until(() => events['delivery:given-up'].length === 2)
    expect(server.requests).toHaveLength(1)
    expect(events['delivery:given-up'].map(event => (event.error as unknown as { code: string }).code)).toEqual([
      'ERR_WEB_HOOK_DELIVERY_GONE',
      'ERR_WEB_HOOK_DELIVERY_GONE',
    ])
    expect(events['endpoint:gone'][0]).toEqual({ url: `${server.url}/`, status: 410 })
    expect(warnings.some(([message]) => String(message).includes('gone'))).toBe(true)
    expect(call.webHooks.stats().endpoints[`${server.url}/`]!.gone).toBe(true)
    call.webHooks.configure({ hooks, retry: { schedule: [5] }, logger })
    await call('a', { n: 3 })
    await until(() => events['delivery:succeeded'].length === 1)
    expect(server.requests.at(-1)!.json.params).toEqual({ n: 3 })
  })

  it('the breaker opens after threshold failures, probes after the cool-down and closes', async () => {
    let up = false
    const server = await receiver(() => (up ? {} : { status: 503 }))
    const call = wrap({
      hooks: [{ method: 'a', type: 'post', url: server.url, concurrency: 1 }],
      retry: { schedule: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] },
      breaker: { threshold: 3, cooldown: 100 },
    })
    const events = record(call)
    await call('a', {})
    await until(() => events['endpoint:paused'].length === 1)
    expect(server.requests).toHaveLength(3)
    expect(events['endpoint:paused'][0]).toMatchObject({ url: `${server.url}/`, failures: 3 })
    expect(call.webHooks.stats().endpoints[`${server.url}/`]).toMatchObject({ breaker: 'open', queued: 1 })
    // The probe fails: open again.
    await until(() => events['endpoint:paused'].length === 2)
    expect(server.requests).toHaveLength(4)
    up = true
    await until(() => events['endpoint:resumed'].length === 1)
    await until(() => events['delivery:succeeded'].length === 1)
    expect(call.webHooks.stats().endpoints[`${server.url}/`]!.breaker).toBe('closed')
  })

  it('a waited pre does not wait for a paused endpoint', async () => {
    const server = await receiver(() => ({ status: 503 }))
    const call = wrap({
      hooks: [
        { method: 'a', type: 'post', url: server.url },
        { method: 'b', type: 'pre', url: server.url, waitForResponse: true },
      ],
      retry: { schedule: [1, 1, 1, 1, 1] },
      breaker: { threshold: 2, cooldown: 60_000 },
    })
    const events = record(call)
    await call('a', {})
    await until(() => events['endpoint:paused'].length === 1)
    const started = Date.now()
    await call('b', {})
    expect(Date.now() - started).toBeLessThan(1000)
    expect(events['delivery:given-up'].at(-1)!.error).toMatchObject({ code: 'ERR_WEB_HOOK_DELIVERY_PAUSED' })
  })

  it('a slow receiver never slows calls', async () => {
    const server = await receiver(() => ({ delay: 1000 }))
    const call = wrap({ hooks: [{ method: 'a', type: 'pre/post', url: server.url }] })
    const started = Date.now()
    for (let index = 0; index < 50; index++) await call('a', { index })
    // Had any call waited for the receiver, the first alone would have taken 1 s.
    expect(Date.now() - started).toBeLessThan(900)
    await sleep(20)
    expect(call.webHooks.stats().endpoints[`${server.url}/`]!.inFlight).toBe(8)
  })

  it('never puts secrets, header values or URL credentials in events, logs or stats', async () => {
    const server = await receiver(() => ({ status: 400 }))
    const logged: unknown[] = []
    const logger = {
      debug: (...args: unknown[]) => logged.push(args),
      info: (...args: unknown[]) => logged.push(args),
      warn: (...args: unknown[]) => logged.push(args),
      error: (...args: unknown[]) => logged.push(args),
    }
    const url = server.url.replace('http://', 'http://alice:s3cr3tpw@')
    const call = wrap({
      hooks: [{ method: 'a', type: 'post', url, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }],
      headers: { authorization: 'Bearer t0ps3cr3t' },
      logger,
    })
    const events = record(call)
    await call('a', {})
    await until(() => events['delivery:given-up'].length === 1)
    expect(server.requests[0]!.headers.authorization).toBe('Bearer t0ps3cr3t')
    const seen = JSON.stringify([events, logged, call.webHooks.stats(), String(events['delivery:given-up'][0]!.error)])
    for (const secret of ['s3cr3tpw', 'alice', 't0ps3cr3t', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw']) {
      expect(seen).not.toContain(secret)
    }
  })

  it('sends URL credentials as Basic authorization, not in the URL', async () => {
    const server = await receiver()
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url: server.url.replace('//', '//bob:pw@') }] })
    await call('a', {})
    await server.waitFor(1)
    expect(server.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('bob:pw').toString('base64')}`)
  })
})
