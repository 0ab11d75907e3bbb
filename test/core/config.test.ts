import { describe, expect, it } from 'vitest'
import { generateSecret, WebHookConfigError, withWebHooks } from '../../src/index.js'
import { track } from './setup.js'

const url = 'https://hooks.example/xo'
const hook = { method: 'vm.start', type: 'pre', url, format: 'json' }

function attempt(config: unknown): WebHookConfigError {
  try {
    track(withWebHooks(async () => 1, config as never))
  } catch (error) {
    expect(error).toBeInstanceOf(WebHookConfigError)
    return error as WebHookConfigError
  }
  throw new Error('expected a WebHookConfigError')
}

function withHook(fields: object, top: object = {}) {
  return attempt({ hooks: [hook, { ...hook, ...fields }], ...top })
}

describe('configuration errors: code and path', () => {
  it.each([
    ['the configuration is not an object', null, 'ERR_WEB_HOOK_CONFIG', ''],
    ['hooks is missing', {}, 'ERR_WEB_HOOK_CONFIG_MISSING', 'hooks'],
    ['hooks is not an array', { hooks: {} }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'hooks'],
    ['a hook is not an object', { hooks: ['vm.start'] }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'hooks[0]'],
  ])('%s', (_, config, code, path) => {
    const error = attempt(config)
    expect(error.code).toBe(code)
    expect(error.path).toBe(path)
  })

  it.each([
    ['method missing', { method: undefined }, 'ERR_WEB_HOOK_CONFIG_MISSING', 'method'],
    ['method not a string', { method: 42 }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'method'],
    ['method empty', { method: '' }, 'ERR_WEB_HOOK_CONFIG_VALUE', 'method'],
    ['exclude not an array', { exclude: 'vm.stop' }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'exclude'],
    ['exclude item not a string', { exclude: ['vm.stop', 1] }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'exclude[1]'],
    ['type missing', { type: undefined }, 'ERR_WEB_HOOK_CONFIG_MISSING', 'type'],
    ['type not a string', { type: true }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'type'],
    ['type unknown', { type: 'before' }, 'ERR_WEB_HOOK_CONFIG_VALUE', 'type'],
    ['url missing', { url: undefined }, 'ERR_WEB_HOOK_CONFIG_MISSING', 'url'],
    ['url empty', { url: '' }, 'ERR_WEB_HOOK_CONFIG_MISSING', 'url'],
    ['url not a string', { url: 1 }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'url'],
    ['url not parseable', { url: 'hooks.example/xo' }, 'ERR_WEB_HOOK_CONFIG_URL', 'url'],
    ['url not http(s)', { url: 'ftp://hooks.example/' }, 'ERR_WEB_HOOK_CONFIG_URL', 'url'],
    ['url javascript:', { url: 'javascript:alert(1)' }, 'ERR_WEB_HOOK_CONFIG_URL', 'url'],
    ['format not a string', { format: 1 }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'format'],
    ['format unknown', { format: 'xml' }, 'ERR_WEB_HOOK_CONFIG_VALUE', 'format'],
    ['waitForResponse not a boolean', { waitForResponse: 'yes' }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'waitForResponse'],
    ['veto not a boolean', { veto: 1 }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'veto'],
    ['veto on a post hook', { type: 'post', veto: true }, 'ERR_WEB_HOOK_CONFIG_VALUE', 'veto'],
    ['failOpen not a boolean', { failOpen: 'no' }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'failOpen'],
    ['timeout zero', { timeout: 0 }, 'ERR_WEB_HOOK_CONFIG_VALUE', 'timeout'],
    ['timeout fractional', { timeout: 1.5 }, 'ERR_WEB_HOOK_CONFIG_VALUE', 'timeout'],
    ['timeout a string', { timeout: '100' }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'timeout'],
    ['concurrency negative', { concurrency: -1 }, 'ERR_WEB_HOOK_CONFIG_VALUE', 'concurrency'],
    ['retry a number', { retry: 3 }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'retry'],
    ['retry true', { retry: true }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'retry'],
    ['retry.schedule not an array', { retry: { schedule: 10 } }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'retry.schedule'],
    ['retry.schedule negative', { retry: { schedule: [10, -1] } }, 'ERR_WEB_HOOK_CONFIG_VALUE', 'retry.schedule[1]'],
    ['retry.schedule infinite', { retry: { schedule: [Infinity] } }, 'ERR_WEB_HOOK_CONFIG_VALUE', 'retry.schedule[0]'],
    ['retry.retries fractional', { retry: { retries: 1.5 } }, 'ERR_WEB_HOOK_CONFIG_VALUE', 'retry.retries'],
    ['retry.minDelay a string', { retry: { minDelay: '1s' } }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'retry.minDelay'],
    [
      'retry.maxDelay < minDelay',
      { retry: { minDelay: 100, maxDelay: 10 } },
      'ERR_WEB_HOOK_CONFIG_VALUE',
      'retry.maxDelay',
    ],
    ['retry.jitter not a boolean', { retry: { jitter: 1 } }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'retry.jitter'],
    ['headers an array', { headers: [] }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'headers'],
    ['secret a number', { secret: 1 }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'secret'],
  ])('hook: %s', (_, fields, code, field) => {
    const error = withHook(fields)
    expect(error.code).toBe(code)
    expect(error.path).toBe(`hooks[1].${field}`)
    expect(error.message.startsWith(`hooks[1].${field}: `)).toBe(true)
  })

  it('an unknown format says so as XO does', () => {
    expect(withHook({ format: 'xml' }).message).toContain('Unknown format: xml')
  })

  it.each([
    ['user', { user: 'admin' }, 'ERR_WEB_HOOK_CONFIG_TYPE'],
    ['onError', { onError: true }, 'ERR_WEB_HOOK_CONFIG_TYPE'],
    ['logger', { logger: { info() {} } }, 'ERR_WEB_HOOK_CONFIG_TYPE'],
    ['includeErrorStack', { includeErrorStack: 'yes' }, 'ERR_WEB_HOOK_CONFIG_TYPE'],
    ['maxPayloadBytes', { maxPayloadBytes: 0 }, 'ERR_WEB_HOOK_CONFIG_VALUE'],
    ['timeout', { timeout: -5 }, 'ERR_WEB_HOOK_CONFIG_VALUE'],
    ['redact', { redact: true }, 'ERR_WEB_HOOK_CONFIG_TYPE'],
    ['redact.keys', { redact: { keys: 'apiKey' } }, 'ERR_WEB_HOOK_CONFIG_TYPE'],
    ['redact.keys[0]', { redact: { keys: [1] } }, 'ERR_WEB_HOOK_CONFIG_TYPE'],
    ['redact.patterns[0]', { redact: { patterns: ['('] } }, 'ERR_WEB_HOOK_CONFIG_VALUE'],
    ['redact.patterns[1]', { redact: { patterns: [/a/, 1] } }, 'ERR_WEB_HOOK_CONFIG_TYPE'],
    ['redact.replacement', { redact: { replacement: 0 } }, 'ERR_WEB_HOOK_CONFIG_TYPE'],
    ['redact.result', { redact: { result: 'yes' } }, 'ERR_WEB_HOOK_CONFIG_TYPE'],
    ['queue', { queue: 10 }, 'ERR_WEB_HOOK_CONFIG_TYPE'],
    ['breaker', { breaker: true }, 'ERR_WEB_HOOK_CONFIG_TYPE'],
    ['safeUrls', { safeUrls: 'on' }, 'ERR_WEB_HOOK_CONFIG_TYPE'],
    ['transport', { transport: {} }, 'ERR_WEB_HOOK_CONFIG_TYPE'],
  ])('top level: %s', (path, top, code) => {
    const error = attempt({ hooks: [hook], ...top })
    expect(error.code).toBe(code)
    expect(error.path).toBe(path)
  })
})

describe('secrets', () => {
  const bad = 'whsec_this-is-not-base64!!'

  it.each([
    ['a malformed secret', { secret: bad }, 'hooks[1].secret'],
    ['a too short key', { secret: `whsec_${Buffer.alloc(8).toString('base64')}` }, 'hooks[1].secret'],
    ['a bad secret in a list', { secret: [generateSecret(), bad] }, 'hooks[1].secret[1]'],
    ['a non-string in a list', { secret: [generateSecret(), 42] }, 'hooks[1].secret[1]'],
  ])('%s is ERR_WEB_HOOK_CONFIG_SECRET naming the hook, never the secret', (_, fields, path) => {
    const error = withHook(fields)
    expect(error.code).toBe('ERR_WEB_HOOK_CONFIG_SECRET')
    expect(error.path).toBe(path)
    expect(error.message).toContain(`hooks[1] (${url})`)
    expect(error.message).not.toContain('this-is-not-base64')
  })

  it('a bad top-level secret names the configuration', () => {
    const error = attempt({ hooks: [hook], secret: bad })
    expect(error.code).toBe('ERR_WEB_HOOK_CONFIG_SECRET')
    expect(error.path).toBe('secret')
    expect(error.message).not.toContain(bad)
  })

  it('accepts a secret, a list of secrets, and no prefix', () => {
    const secret = generateSecret()
    expect(() => track(withWebHooks(async () => 1, { hooks: [{ ...hook, secret }] }))).not.toThrow()
    expect(() =>
      track(withWebHooks(async () => 1, { hooks: [hook], secret: [secret, generateSecret(24)] }))
    ).not.toThrow()
    expect(() => track(withWebHooks(async () => 1, { hooks: [{ ...hook, secret: secret.slice(6) }] }))).not.toThrow()
  })
})

describe('headers', () => {
  it.each([
    'content-type',
    'Content-Type',
    'WEBHOOK-ID',
    'webhook-signature',
    'Webhook-Timestamp',
    'webhook-anything',
    'Host',
  ])('%s is reserved', name => {
    const error = withHook({ headers: { [name]: 'x' } })
    expect(error.code).toBe('ERR_WEB_HOOK_CONFIG_HEADER')
    expect(error.path).toBe(`hooks[1].headers.${name}`)
  })

  it.each([
    ['a non-string value', { authorization: 1 }, 'authorization'],
    ['a value with a line break', { authorization: 'Bearer s3cr3t\r\nx-injected: 1' }, 'authorization'],
    ['an invalid name', { 'bad name': 'x' }, 'bad name'],
  ])('%s is ERR_WEB_HOOK_CONFIG_HEADER, without the value', (_, headers, name) => {
    const error = withHook({ headers })
    expect(error.code).toBe('ERR_WEB_HOOK_CONFIG_HEADER')
    expect(error.path).toBe(`hooks[1].headers.${name}`)
    expect(error.message).not.toContain('s3cr3t')
  })

  it('the top-level headers are checked too', () => {
    const error = attempt({ hooks: [hook], headers: { 'Content-Type': 'text/plain' } })
    expect(error.code).toBe('ERR_WEB_HOOK_CONFIG_HEADER')
    expect(error.path).toBe('headers.Content-Type')
  })
})

describe('accepted configurations', () => {
  it('a stored XO configuration as it is (an unknown field is refused here; the XO plugin drops it)', () => {
    const xo = {
      hooks: [
        { method: 'vm.start', type: 'pre/post', url, format: 'json', waitForResponse: false },
        { method: 'vm.stop', type: 'pre', url, waitForResponse: true },
        { method: 'vm.clone', type: 'post', url, format: 'office365', waitForResponse: null },
      ],
    }
    expect(() => track(withWebHooks(async () => 1, xo as never))).not.toThrow()
  })

  it('an empty hook list', () => {
    expect(() => track(withWebHooks(async () => 1, { hooks: [] }))).not.toThrow()
  })

  it('URL credentials never appear in messages', () => {
    const error = withHook({ url: 'ftp://user:hunter2@hooks.example/' })
    expect(error.message).not.toContain('hunter2')
    const unparseable = withHook({ url: 'http://user:hunter2@[bad/' })
    expect(unparseable.code).toBe('ERR_WEB_HOOK_CONFIG_URL')
    expect(unparseable.message).not.toContain('hunter2')
  })
})
