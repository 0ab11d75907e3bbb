// Redirects through the public API, over real loopback receivers, with both transports (one table).
import type { LookupFunction } from 'node:net'
import { describe, expect, it } from 'vitest'
import { kyTransport, type WebHookTransport } from '../../src/index.js'
import { receiver, record, until, wrap } from '../core/setup.js'

const transports: Array<[string, () => WebHookTransport | undefined]> = [
  ['undici (default)', () => undefined],
  ['ky', () => kyTransport()],
]

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

describe.each(transports)('redirects, %s transport', (_name, transport) => {
  const options = () => {
    const made = transport()
    return made === undefined ? {} : { transport: made }
  }

  it('not followed by default: a 307 is a failed delivery', async () => {
    const moved = await receiver(() => ({ status: 307, headers: { location: '/new' } }))
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url: `${moved.url}/old` }], retry: false, ...options() })
    const events = record(call)
    await call('a', {})
    await until(() => events['delivery:given-up'].length === 1)
    expect(events['delivery:given-up'][0]).toMatchObject({
      status: 307,
      error: { code: 'ERR_WEB_HOOK_DELIVERY_STATUS' },
    })
    expect(moved.requests.map(request => request.url)).toEqual(['/old'])
  })

  it('307 and 308 keep the POST and its body; the final URL is in events and stats', async () => {
    const rx = await receiver(request =>
      request.url === '/old'
        ? { status: 307, headers: { location: '/mid' } }
        : request.url === '/mid'
          ? { status: 308, headers: { location: '/new' } }
          : {}
    )
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url: `${rx.url}/old`, redirects: 2 }], ...options() })
    const events = record(call)
    await call('a', { id: 1 })
    await until(() => events['delivery:succeeded'].length === 1)
    expect(rx.requests.map(request => [request.method, request.url, request.json?.params])).toEqual([
      ['POST', '/old', { id: 1 }],
      ['POST', '/mid', { id: 1 }],
      ['POST', '/new', { id: 1 }],
    ])
    expect(events['delivery:succeeded'][0]).toMatchObject({ url: `${rx.url}/old`, redirectedTo: `${rx.url}/new` })
    expect(call.webHooks.stats().endpoints[`${rx.url}/old`]).toMatchObject({
      delivered: 1,
      redirectedTo: `${rx.url}/new`,
    })
  })

  it('301, 302 and 303 turn the POST into a GET without body, as fetch does', async () => {
    const rx = await receiver(request =>
      request.url === '/see-other' ? { status: 303, headers: { location: '/result' } } : {}
    )
    const call = wrap({
      hooks: [{ method: 'a', type: 'post', url: `${rx.url}/see-other`, redirects: 1 }],
      ...options(),
    })
    const events = record(call)
    await call('a', {})
    await until(() => events['delivery:succeeded'].length === 1)
    expect(rx.requests[1]).toMatchObject({ method: 'GET', url: '/result', body: '' })
    expect(rx.requests[1]!.headers['content-type']).toBeUndefined()
  })

  it('to another origin: no credentials, no signature, no custom header; webhook-id kept', async () => {
    const other = await receiver()
    const rx = await receiver(() => ({ status: 308, headers: { location: `${other.url}/moved` } }))
    const url = `http://user:pa55@127.0.0.1:${rx.port}/hook`
    const call = wrap({
      hooks: [{ method: 'a', type: 'post', url, redirects: 1, secret: SECRET, headers: { 'x-token': 'abc' } }],
      ...options(),
    })
    await call('a', { id: 2 })
    const [moved] = await other.waitFor(1)
    const [first] = rx.requests
    expect(first!.headers).toMatchObject({ 'x-token': 'abc' })
    expect(first!.headers.authorization).toMatch(/^Basic /)
    expect(first!.headers['webhook-signature']).toMatch(/^v1,/)
    expect(moved!.json.params).toEqual({ id: 2 })
    expect(moved!.headers['webhook-id']).toBe(first!.headers['webhook-id'])
    for (const name of ['authorization', 'webhook-signature', 'webhook-timestamp', 'x-token']) {
      expect(moved!.headers[name]).toBeUndefined()
    }
  })

  it('stops after `redirects` hops: a loop is a failed delivery', async () => {
    const rx = await receiver(() => ({ status: 307, headers: { location: '/again' } }))
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url: rx.url, redirects: 2, retry: false }], ...options() })
    const events = record(call)
    await call('a', {})
    await until(() => events['delivery:given-up'].length === 1)
    expect(rx.requests).toHaveLength(3)
    expect(events['delivery:given-up'][0]).toMatchObject({ status: 307, redirectedTo: `${rx.url}/again` })
  })
})

describe('redirects and safeUrls', () => {
  it('each hop is checked: a redirect never reaches a refused address', async () => {
    const inside = await receiver()
    const rx = await receiver(() => ({
      status: 307,
      headers: { location: `http://inside.example.test:${inside.port}/` },
    }))
    const table: Record<string, string> = { 'hooks.example.test': '127.0.0.1', 'inside.example.test': '127.0.0.1' }
    const lookup: LookupFunction = (hostname, options, callback) => {
      const address = table[hostname]
      if (address === undefined) return callback(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), '')
      if (options.all) callback(null, [{ address, family: 4 }])
      else callback(null, address, 4)
    }
    const call = wrap({
      hooks: [{ method: 'a', type: 'post', url: `http://hooks.example.test:${rx.port}/`, redirects: 5, retry: false }],
      safeUrls: { allow: ['hooks.example.test'], lookup },
    })
    const events = record(call)
    await call('a', {})
    await until(() => events['delivery:given-up'].length === 1)
    expect(events['delivery:given-up'][0]!.error).toMatchObject({ code: 'ERR_WEB_HOOK_UNSAFE_URL', range: 'loopback' })
    expect(rx.requests).toHaveLength(1)
    expect(inside.requests).toHaveLength(0)
  })
})

describe('redirects option', () => {
  it.each([
    [-1, 'ERR_WEB_HOOK_CONFIG_VALUE'],
    [1.5, 'ERR_WEB_HOOK_CONFIG_VALUE'],
    [21, 'ERR_WEB_HOOK_CONFIG_VALUE'],
    ['5', 'ERR_WEB_HOOK_CONFIG_TYPE'],
  ])('refuses %s with %s, naming the field', async (redirects, code) => {
    const rx = await receiver()
    expect(() => wrap({ hooks: [{ method: 'a', type: 'post', url: rx.url, redirects: redirects as number }] })).toThrow(
      expect.objectContaining({ code, path: 'hooks[0].redirects' })
    )
    expect(() => wrap({ hooks: [{ method: 'a', type: 'post', url: rx.url }], redirects: redirects as number })).toThrow(
      expect.objectContaining({ code, path: 'redirects' })
    )
    // Nothing else broke: a valid configuration still works.
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url: rx.url }], redirects: 3 })
    await call('a', {})
    await rx.waitFor(1)
  })
})
