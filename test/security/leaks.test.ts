// Secrets, header values and URL credentials never appear in errors, logs, events, stats or close results.
import { describe, expect, it } from 'vitest'
import {
  generateSecret,
  type HookConfig,
  type WebHookDeliveryEventMap,
  type WebHooksConfig,
  withWebHooks,
} from '../../src/index.js'
import { receiver, track, until } from '../core/setup.js'
import { EVENT_NAMES } from '../../src/config/option-keys.js'

const SECRET = generateSecret()
const SHARED_SECRET = generateSecret()
const HEADER_VALUE = 'Bearer hdr-s3cr3t-value'
const USER = 'url-us3r'
const PASSWORD = 'url-pa55w0rd'
const SENSITIVE = [SECRET, SECRET.slice(6, 26), SHARED_SECRET.slice(6, 26), HEADER_VALUE, 'hdr-s3cr3t', USER, PASSWORD]
/** Every delivery event, from the list the configuration checks `on` against. */
const EVENTS: readonly (keyof WebHookDeliveryEventMap)[] = EVENT_NAMES

/** Everything reachable from `value` as text: errors with their message, stack, cause and own properties. */
function dump(value: unknown, seen = new Set<unknown>()): string {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' ? '' : String(value)
  }
  if (seen.has(value)) return ''
  seen.add(value)
  const parts: string[] = []
  if (value instanceof Error) parts.push(value.name, value.message, String(value.stack), dump(value.cause, seen))
  if (value instanceof Map || value instanceof Set) for (const entry of value) parts.push(dump(entry, seen))
  for (const key of Reflect.ownKeys(value)) {
    parts.push(String(key), dump((value as Record<PropertyKey, unknown>)[key], seen))
  }
  return parts.join(' ')
}

/** A wrapped dispatcher that records every log line, onError event and delivery event. */
function recorded(config: Omit<WebHooksConfig, 'logger' | 'onError' | 'on'>) {
  const seen: unknown[] = []
  const log = (level: string) => (message: string, context?: object) => seen.push({ level, message, context })
  const on = Object.fromEntries(EVENTS.map(name => [name, (event: unknown) => seen.push({ name, event })]))
  const call = withWebHooks(async (method: string, _params?: unknown) => method, {
    ...config,
    secret: SHARED_SECRET,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    onError: event => seen.push({ onError: event }),
    on,
  })
  return { call: track(call), seen }
}

function credentialed(url: string): string {
  return url.replace('http://', `http://${USER}:${PASSWORD}@`)
}

const hook = (url: string, extra: Partial<HookConfig> = {}): HookConfig => ({
  method: '*',
  type: 'pre/post',
  url: credentialed(url),
  format: 'json',
  secret: SECRET,
  headers: { authorization: HEADER_VALUE },
  retry: { schedule: [10] },
  timeout: 200,
  ...extra,
})

function expectClean(...things: unknown[]): string {
  const text = dump(things)
  for (const value of SENSITIVE) expect(text, `leaked ${value}`).not.toContain(value)
  return text
}

const given = (seen: unknown[]) => seen.filter(entry => (entry as { onError?: unknown }).onError !== undefined).length

describe('nothing sensitive leaks', () => {
  it('on HTTP errors: logs, events, onError, stats, close', async () => {
    const rx = await receiver(() => ({ status: 500, body: 'boom' }))
    const { call, seen } = recorded({ hooks: [hook(rx.url)] })
    await call('vm.start', { id: 1 })
    await until(() => given(seen) >= 2)
    // The credentials did reach the receiver (as Basic auth), so they were really configured.
    expect(rx.requests[0]!.headers.authorization).toBe(HEADER_VALUE)
    const text = expectClean(seen, call.webHooks.stats(), await call.webHooks.close({ timeout: 100 }))
    expect(text).toContain('ERR_WEB_HOOK_DELIVERY_STATUS')
  })

  it('on network errors and timeouts', async () => {
    const slow = await receiver(() => ({ delay: 1000 }))
    const { call, seen } = recorded({
      hooks: [hook('http://127.0.0.1:1/'), hook(slow.url, { type: 'post', retry: false, timeout: 50 })],
    })
    await call('vm.start', {})
    // undici's header timer has a resolution of about 1 s: wait for it, whatever `timeout` says.
    await until(() => given(seen) >= 3, 5000)
    const text = expectClean(seen, call.webHooks.stats())
    expect(text).toContain('ERR_WEB_HOOK_DELIVERY_NETWORK')
    expect(text).toContain('ERR_WEB_HOOK_DELIVERY_TIMEOUT')
  })

  it('on unsafe-URL refusals', async () => {
    const rx = await receiver()
    const { call, seen } = recorded({ hooks: [hook(rx.url)], safeUrls: true })
    await call('vm.start', {})
    await until(() => given(seen) >= 2)
    expect(rx.requests).toHaveLength(0)
    expect(expectClean(seen, call.webHooks.stats())).toContain('ERR_WEB_HOOK_UNSAFE_URL')
  })

  it('in the failure of test()', async () => {
    const rx = await receiver(() => ({ status: 500 }))
    const { call, seen } = recorded({ hooks: [hook(rx.url, { method: 'vm.start', retry: false })] })
    const failure = await call.webHooks.test().catch(error => error)
    expect(failure).toBeInstanceOf(Error)
    expectClean(failure, seen)
  })

  it('in configuration errors', () => {
    const configs: WebHooksConfig[] = [
      { hooks: [hook('http://127.0.0.1:1/', { headers: { authorization: `${HEADER_VALUE}\r\nx: y` } })] },
      { hooks: [hook('http://127.0.0.1:1/', { headers: { 'webhook-signature': HEADER_VALUE } })] },
      { hooks: [hook('http://127.0.0.1:1/', { secret: `${SECRET}x` })] },
      { hooks: [hook('http://127.0.0.1:1/', { secret: SECRET.slice(0, 26) })] },
      { hooks: [{ ...hook('http://127.0.0.1:1/'), url: `ftp://${USER}:${PASSWORD}@example.com/` }] },
      { hooks: [{ ...hook('http://127.0.0.1:1/'), url: `http://${USER}:${PASSWORD}@exa mple.com:99999/` }] },
      { hooks: [{ ...hook('http://127.0.0.1:1/'), type: 'sometimes' }] },
    ]
    for (const config of configs) {
      let error: unknown
      try {
        withWebHooks(async () => 1, config)
      } catch (thrown) {
        error = thrown
      }
      expect(error, JSON.stringify(config.hooks[0]?.headers)).toBeInstanceOf(Error)
      expectClean(error)
    }
  })
})
