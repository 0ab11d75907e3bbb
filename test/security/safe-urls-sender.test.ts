// Safe URLs through the public API: off by default (XO parity), loopback refused when on, allow-list, DNS mapping.
import type { LookupFunction } from 'node:net'
import { describe, expect, it } from 'vitest'
import {
  type HookConfig,
  type WebHookErrorEvent,
  type WebHookTransport,
  type WebHooksConfig,
  WebHookConfigError,
  WebHookUnsafeUrlError,
  withWebHooks,
} from '../../src/index.js'
import { receiver, track } from '../core/setup.js'

/** Wraps a dispatcher; resolves `failure` with the first delivery failure given up. */
function wrap(config: Omit<WebHooksConfig, 'onError'>) {
  let report: (event: WebHookErrorEvent) => void = () => {}
  const failure = new Promise<WebHookErrorEvent>(resolve => {
    report = resolve
  })
  const call = withWebHooks(async (method: string, _params?: unknown) => method, {
    ...config,
    onError: event => report(event),
  })
  return { call: track(call), failure }
}

const hook = (url: string): HookConfig => ({ method: 'vm.start', type: 'post', url, format: 'json', retry: false })

/** Maps every host name of `table` to its address, like an /etc/hosts entry; the rest is not found. */
const hosts =
  (table: Record<string, string>): LookupFunction =>
  (hostname, options, callback) => {
    const address = table[hostname]
    if (address === undefined) {
      const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`)
      error.code = 'ENOTFOUND'
      return callback(error, '')
    }
    if (options.all) callback(null, [{ address, family: 4 }])
    else callback(null, address, 4)
  }

describe('safeUrls', () => {
  it('is off by default: loopback receivers work (Xen Orchestra parity)', async () => {
    const rx = await receiver()
    const { call } = wrap({ hooks: [hook(rx.url)] })
    await call('vm.start', {})
    await rx.waitFor(1)
  })

  it('refuses 127.0.0.1 when on, reporting a WebHookUnsafeUrlError', async () => {
    const rx = await receiver()
    const { call, failure } = wrap({ hooks: [hook(`${rx.url}/x`)], safeUrls: true })
    expect(await call('vm.start', {})).toBe('vm.start') // the call itself is never affected
    const { error, url } = await failure
    expect(error).toBeInstanceOf(WebHookUnsafeUrlError)
    expect(error).toMatchObject({ code: 'ERR_WEB_HOOK_UNSAFE_URL', address: '127.0.0.1', range: 'loopback' })
    expect(url).toBe(`${rx.url}/x`)
    expect(rx.requests).toHaveLength(0)
  })

  it('refuses a host name that resolves to 127.0.0.1 (checked on the resolved address)', async () => {
    const rx = await receiver()
    const lookup = hosts({ 'hooks.example.test': '127.0.0.1' })
    const { call, failure } = wrap({
      hooks: [hook(`http://hooks.example.test:${rx.port}/`)],
      safeUrls: { lookup },
    })
    await call('vm.start', {})
    const { error } = await failure
    expect(error).toBeInstanceOf(WebHookUnsafeUrlError)
    expect(error).toMatchObject({ host: 'hooks.example.test', address: '127.0.0.1', range: 'loopback' })
    expect(rx.requests).toHaveLength(0)
  })

  it('refuses localhost through the real DNS lookup', async () => {
    const rx = await receiver()
    const { call, failure } = wrap({ hooks: [hook(`http://localhost:${rx.port}/`)], safeUrls: true })
    await call('vm.start', {})
    expect((await failure).error).toBeInstanceOf(WebHookUnsafeUrlError)
    expect(rx.requests).toHaveLength(0)
  })

  it.each([['127.0.0.1'], ['127.0.0.0/8'], ['::ffff:127.0.0.0/104']])(
    'lets an allowed address through: %s',
    async allow => {
      const rx = await receiver()
      const { call } = wrap({ hooks: [hook(rx.url)], safeUrls: { allow: [allow] } })
      await call('vm.start', {})
      await rx.waitFor(1)
    }
  )

  it('lets an allowed host name through, connecting to the address the custom lookup gives', async () => {
    const rx = await receiver()
    const lookup = hosts({ 'hooks.example.test': '127.0.0.1' })
    const { call } = wrap({
      hooks: [hook(`http://hooks.example.test:${rx.port}/via-name`)],
      safeUrls: { allow: ['hooks.example.test'], lookup },
    })
    await call('vm.start', {})
    const [request] = await rx.waitFor(1)
    expect(request!.url).toBe('/via-name')
    expect(request!.headers.host).toBe(`hooks.example.test:${rx.port}`)
  })

  it('checks before a custom transport is called (it cannot hook the connect-time lookup)', async () => {
    const sent: string[] = []
    const transport: WebHookTransport = async request => {
      sent.push(request.url)
      return { status: 200, headers: {}, body: '' }
    }
    const lookup = hosts({ 'inside.example.test': '10.0.0.8', 'outside.example.test': '93.184.216.34' })
    const { call, failure } = wrap({
      transport,
      safeUrls: { lookup },
      hooks: [hook('http://inside.example.test/'), hook('http://outside.example.test/')],
    })
    await call('vm.start', {})
    const { error, url } = await failure
    expect(error).toMatchObject({ code: 'ERR_WEB_HOOK_UNSAFE_URL', address: '10.0.0.8', range: 'private' })
    expect(url).toBe('http://inside.example.test/')
    await call.webHooks.close({ timeout: 500 })
    expect(sent).toEqual(['http://outside.example.test/'])
  })

  // KNOWN GAP (reported to CORE and DELIVERY): the engine reads `safeUrls` once, when it is created, so
  // `configure()` neither applies nor validates a new `safeUrls`. Unskip once the engine takes it on configure.
  it('applies and validates safeUrls given to configure()', async () => {
    const rx = await receiver()
    const { call } = wrap({ hooks: [hook(rx.url)] })
    const failure = new Promise<Error>(resolve => call.webHooks.on('delivery:given-up', event => resolve(event.error)))
    call.webHooks.configure({ hooks: [hook(rx.url)], safeUrls: true })
    await call('vm.start', {})
    expect(await failure).toBeInstanceOf(WebHookUnsafeUrlError)
    expect(rx.requests).toHaveLength(0)
    expect(() => call.webHooks.configure({ hooks: [hook(rx.url)], safeUrls: { allow: ['10.0.0.0/99'] } })).toThrow(
      WebHookConfigError
    )
  })

  it('refuses a malformed allow-list entry as a configuration error', () => {
    let caught: unknown
    try {
      wrap({ hooks: [hook('http://127.0.0.1:1/')], safeUrls: { allow: ['10.0.0.0/99'] } })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(WebHookConfigError)
    expect(caught).toMatchObject({ path: 'safeUrls.allow[0]' })
  })
})
