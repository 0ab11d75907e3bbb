// Security of what the sender sends, through the public API: signing, rotation, custom headers, bad secrets,
// redaction, stacks, and what never leaks.
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import {
  generateSecret,
  type HookConfig,
  type WebHooksConfig,
  WebHookConfigError,
  withWebHooks,
} from '../../src/index.js'
import { verifyWebHook } from '../../src/receiver/index.js'
import { receiver, track } from '../core/setup.js'

const api = async (method: string, params: any) => {
  if (method === 'vm.fail') throw Object.assign(new Error('no such VM'), { code: 'NO_SUCH_OBJECT' })
  return { method, params }
}

const wrap = (config: WebHooksConfig) => track(withWebHooks(api, config))

const hook = (url: string, extra: Partial<HookConfig> = {}): HookConfig => ({
  method: 'vm.*',
  type: 'post',
  url,
  format: 'json',
  retry: false,
  ...extra,
})

function configError(run: () => unknown): WebHookConfigError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(WebHookConfigError)
    return error as WebHookConfigError
  }
  throw new Error('expected a WebHookConfigError')
}

describe('signing, end to end', () => {
  it('signs when a hook has a secret; verifyWebHook and standardwebhooks both accept it', async () => {
    const rx = await receiver()
    const secret = generateSecret()
    const call = wrap({ hooks: [hook(rx.url, { secret })] })
    await call('vm.start', { id: 'vm1' })
    const [request] = await rx.waitFor(1)
    expect(request!.headers['webhook-id']).toMatch(/^msg_/)
    expect(request!.headers['webhook-timestamp']).toMatch(/^\d+$/)
    expect(request!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/)
    const payload = verifyWebHook(request!.body, request!.headers, secret)
    expect(payload).toMatchObject({ type: 'post', method: 'vm.start', params: { id: 'vm1' } })
    expect(new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>)).toEqual(payload)
  })

  it('uses the configuration-wide secret, and a hook’s own secret over it', async () => {
    const rx = await receiver()
    const [shared, own] = [generateSecret(), generateSecret()]
    const call = wrap({ secret: shared, hooks: [hook(`${rx.url}/a`), hook(`${rx.url}/b`, { secret: own })] })
    await call('vm.start', {})
    const requests = await rx.waitFor(2)
    const a = requests.find(r => r.url === '/a')!
    const b = requests.find(r => r.url === '/b')!
    expect(verifyWebHook(a.body, a.headers, shared)).toBeTruthy()
    expect(verifyWebHook(b.body, b.headers, own)).toBeTruthy()
    expect(() => verifyWebHook(b.body, b.headers, shared)).toThrow(/No v1 signature matches/)
  })

  it('signs with every secret during a rotation: either verifies', async () => {
    const rx = await receiver()
    const [next, previous] = [generateSecret(), generateSecret()]
    const call = wrap({ hooks: [hook(rx.url, { secret: [next, previous] })] })
    await call('vm.start', {})
    const [request] = await rx.waitFor(1)
    expect(String(request!.headers['webhook-signature']).split(' ')).toHaveLength(2)
    expect(verifyWebHook(request!.body, request!.headers, next)).toBeTruthy()
    expect(verifyWebHook(request!.body, request!.headers, previous)).toBeTruthy()
    expect(new Webhook(previous).verify(request!.body, request!.headers as Record<string, string>)).toBeTruthy()
  })

  it('keeps webhook-id across retries and signs each attempt afresh', async () => {
    const rx = await receiver((_request, index) => (index === 0 ? { status: 503 } : undefined))
    const secret = generateSecret()
    const call = wrap({ hooks: [hook(rx.url, { secret, retry: { schedule: [10] } })] })
    await call('vm.start', {})
    const [first, second] = await rx.waitFor(2)
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id'])
    for (const request of [first!, second!]) expect(verifyWebHook(request.body, request.headers, secret)).toBeTruthy()
  })

  it('sends webhook-id but no signature without a secret (Xen Orchestra default)', async () => {
    const rx = await receiver()
    const call = wrap({ hooks: [hook(rx.url)] })
    await call('vm.start', {})
    const [request] = await rx.waitFor(1)
    expect(request!.headers['webhook-id']).toMatch(/^msg_/)
    expect(request!.headers['webhook-signature']).toBeUndefined()
    expect(() => verifyWebHook(request!.body, request!.headers, generateSecret())).toThrow(
      expect.objectContaining({ code: 'ERR_WEB_HOOK_VERIFY_MISSING_HEADER' })
    )
  })
})

describe('bad secrets are configuration errors naming the hook', () => {
  const bad = [
    'whsec_tooShort',
    `whsec_${Buffer.alloc(16, 7).toString('base64')}`,
    `whsec_${Buffer.alloc(65, 7).toString('base64')}`,
    'whsec_not base64 at all!!!!!!!!!!!!!!!!!!!!',
    '',
  ]
  it.each(bad)('hook secret %j', secret => {
    const error = configError(() =>
      wrap({ hooks: [hook('http://127.0.0.1:1/'), hook('http://127.0.0.1:1/', { secret })] })
    )
    expect(error.code).toBe('ERR_WEB_HOOK_CONFIG_SECRET')
    expect(error.path).toMatch(/^hooks\[1\]\.secret/)
    if (secret.length > 6) expect(error.message).not.toContain(secret.slice(6))
  })

  it('a bad secret among several, and at the configuration level', () => {
    const rotation = configError(() =>
      wrap({ hooks: [hook('http://127.0.0.1:1/', { secret: [generateSecret(), 'whsec_nope'] })] })
    )
    expect(rotation.code).toBe('ERR_WEB_HOOK_CONFIG_SECRET')
    expect(rotation.path).toMatch(/^hooks\[0\]\.secret/)
    const shared = configError(() => wrap({ secret: 'whsec_nope', hooks: [hook('http://127.0.0.1:1/')] }))
    expect(shared.code).toBe('ERR_WEB_HOOK_CONFIG_SECRET')
    expect(shared.path).toMatch(/^secret/)
    expect(shared.message).not.toContain('nope')
  })
})

describe('custom headers', () => {
  it('arrive with the request', async () => {
    const rx = await receiver()
    const call = wrap({
      headers: { 'x-shared': 'all' },
      hooks: [hook(rx.url, { headers: { Authorization: 'Bearer t0k3n', 'X-Tenant': 'acme' } })],
    })
    await call('vm.start', {})
    const [request] = await rx.waitFor(1)
    expect(request!.headers).toMatchObject({ authorization: 'Bearer t0k3n', 'x-tenant': 'acme' })
    expect(request!.headers['content-type']).toBe('application/json')
  })

  it.each(['content-type', 'Content-Type', 'webhook-id', 'Webhook-Signature', 'webhook-timestamp', 'webhook-custom'])(
    'refuses to override the reserved header %s',
    name => {
      const error = configError(() => wrap({ hooks: [hook('http://127.0.0.1:1/', { headers: { [name]: 'x' } })] }))
      expect(error.code).toBe('ERR_WEB_HOOK_CONFIG_HEADER')
      expect(error.path).toMatch(/^hooks\[0\]\.headers/)
    }
  )
})

describe('redaction and stacks', () => {
  it('obfuscates XO’s keys in params by default, and more when asked', async () => {
    const rx = await receiver()
    const call = wrap({ hooks: [hook(rx.url)] })
    await call('vm.start', { password: 'p', nested: { token: 't', adminPassword: 'a', keep: 'k' }, passphrase: 1 })
    const [request] = await rx.waitFor(1)
    expect(request!.json.params).toEqual({
      password: '* obfuscated *',
      nested: { token: '* obfuscated *', adminPassword: '* obfuscated *', keep: 'k' },
      passphrase: 1, // XO only obfuscates strings
    })

    const rx2 = await receiver()
    const strict = wrap({
      hooks: [hook(rx2.url)],
      redact: { keys: ['apiKey'], patterns: [/secret/i], result: true, replacement: '[redacted]' },
    })
    await strict('vm.start', { apiKey: 'k', clientSecret: 's', other: 'o' })
    const [redacted] = await rx2.waitFor(1)
    expect(redacted!.json.params).toEqual({ apiKey: '[redacted]', clientSecret: '[redacted]', other: 'o' })
    // `result` echoes the params here: redacted too with `result: true`.
    expect(redacted!.json.result.params).toEqual({ apiKey: '[redacted]', clientSecret: '[redacted]', other: 'o' })
  })

  it('does not send error stacks unless includeErrorStack', async () => {
    const rx = await receiver()
    const call = wrap({ hooks: [hook(rx.url)] })
    await expect(call('vm.fail', {})).rejects.toThrow('no such VM')
    const [request] = await rx.waitFor(1)
    expect(request!.json.error).toMatchObject({ message: 'no such VM', code: 'NO_SUCH_OBJECT' })
    expect(request!.json.error.stack).toBeUndefined()
    expect(request!.body).not.toContain('at api')

    const rx2 = await receiver()
    const withStack = wrap({ hooks: [hook(rx2.url)], includeErrorStack: true })
    await expect(withStack('vm.fail', {})).rejects.toThrow('no such VM')
    const [request2] = await rx2.waitFor(1)
    expect(request2!.json.error.stack).toContain('no such VM')
  })
})
