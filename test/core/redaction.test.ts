import { describe, expect, it } from 'vitest'
import { type WebHooksConfig, withWebHooks } from '../../src/index.js'
import { receiver, track } from './setup.js'

const params = {
  id: 'vm1',
  token: 'tok',
  passphrase: 'pass',
  encryptionKey: 'key',
  Password: 'p1',
  nested: { adminPassword: 'p2', list: [{ token: 'tok2' }], apiKey: 'k', mySecret: 's' },
  password: 42, // not a string: kept, as XO does
  tokenCount: 'kept',
}

async function send(options: Partial<WebHooksConfig>, outcome: 'result' | 'error' = 'result') {
  const rx = await receiver()
  const call = track(
    withWebHooks(
      async () => {
        if (outcome === 'error') throw Object.assign(new Error('failed'), { token: 'err-tok', apiKey: 'err-k' })
        return { token: 'res-tok', apiKey: 'res-k' }
      },
      { hooks: [{ method: 'vm.start', type: 'post', url: rx.url, format: 'json' }], ...options }
    )
  )
  await call('vm.start', params).catch(() => {})
  const [request] = await rx.waitFor(1)
  return request!.json
}

describe('redaction', () => {
  it("XO's default: string values under token, passphrase, encryptionKey and /password/i, in params only", async () => {
    const payload = await send({})
    expect(payload.params).toEqual({
      id: 'vm1',
      token: '* obfuscated *',
      passphrase: '* obfuscated *',
      encryptionKey: '* obfuscated *',
      Password: '* obfuscated *',
      nested: { adminPassword: '* obfuscated *', list: [{ token: '* obfuscated *' }], apiKey: 'k', mySecret: 's' },
      password: 42,
      tokenCount: 'kept',
    })
    expect(payload.result).toEqual({ token: 'res-tok', apiKey: 'res-k' })
  })

  it('the caller still gets its own, unredacted params and result', async () => {
    const rx = await receiver()
    let seen: unknown
    const call = track(
      withWebHooks(
        async (_method: string, p: typeof params) => {
          seen = p
          return p
        },
        { hooks: [{ method: 'vm.start', type: 'pre/post', url: rx.url, format: 'json' }] }
      )
    )
    expect(await call('vm.start', params)).toBe(params)
    expect(seen).toBe(params)
    expect(params.token).toBe('tok')
  })

  it('keys, patterns (RegExp or string) and replacement', async () => {
    const payload = await send({ redact: { keys: ['apiKey'], patterns: ['secret'], replacement: '[redacted]' } })
    expect(payload.params.nested).toEqual({
      adminPassword: '[redacted]',
      list: [{ token: '[redacted]' }],
      apiKey: '[redacted]',
      mySecret: '[redacted]',
    })
  })

  it('result: true applies it to the result', async () => {
    const payload = await send({ redact: { keys: ['apiKey'], result: true } })
    expect(payload.result).toEqual({ token: '* obfuscated *', apiKey: '* obfuscated *' })
  })

  it('error: true applies it to the error', async () => {
    const off = await send({ redact: { keys: ['apiKey'] } }, 'error')
    expect(off.error).toMatchObject({ token: 'err-tok', apiKey: 'err-k' })
    const on = await send({ redact: { keys: ['apiKey'], error: true } }, 'error')
    expect(on.error).toMatchObject({ message: 'failed', token: '* obfuscated *', apiKey: '* obfuscated *' })
  })

  it('redact: false turns it off', async () => {
    const payload = await send({ redact: false })
    expect(payload.params.token).toBe('tok')
  })

  it('a global RegExp pattern is stateless', async () => {
    const payload = await send({ redact: { patterns: [/key$/gi] } })
    expect(payload.params.nested.apiKey).toBe('* obfuscated *')
    expect(payload.params.encryptionKey).toBe('* obfuscated *')
  })
})

describe('size cap', () => {
  it('replaces the largest field with a visible marker and lists it in truncated', async () => {
    const rx = await receiver()
    const call = track(
      withWebHooks(async () => 'x'.repeat(5000), {
        hooks: [{ method: 'vm.start', type: 'pre/post', url: rx.url, format: 'json' }],
        maxPayloadBytes: 2000,
      })
    )
    await call('vm.start', { blob: 'y'.repeat(3000) })
    const [pre, post] = (await rx.waitFor(2)).map(r => r)
    expect(pre!.body.length).toBeLessThanOrEqual(2000)
    expect(pre!.json.params).toMatch(/^\[truncated: params was at least 3002 bytes, over maxPayloadBytes 2000\]$/)
    expect(pre!.json.truncated).toEqual(['params'])
    expect(post!.body.length).toBeLessThanOrEqual(2000)
    expect(post!.json.truncated).toEqual(['result', 'params'])
    expect(post!.json.callId).toBe(pre!.json.callId)
  })

  it('leaves payloads under the cap alone', async () => {
    const rx = await receiver()
    const call = track(
      withWebHooks(async () => 1, { hooks: [{ method: 'vm.start', type: 'pre', url: rx.url, format: 'json' }] })
    )
    await call('vm.start', { blob: 'y'.repeat(100_000) })
    const [pre] = await rx.waitFor(1)
    expect(pre!.json.params.blob).toHaveLength(100_000)
    expect(pre!.json).not.toHaveProperty('truncated')
  })

  it('caps office365 bodies too', async () => {
    const rx = await receiver()
    const call = track(
      withWebHooks(async () => 1, {
        hooks: [{ method: 'vm.start', type: 'pre', url: rx.url, format: 'office365' }],
        maxPayloadBytes: 1500,
      })
    )
    await call('vm.start', { blob: 'é'.repeat(2000) })
    const [pre] = await rx.waitFor(1)
    expect(Buffer.byteLength(pre!.body)).toBeLessThanOrEqual(1500)
    const facts = Object.fromEntries(pre!.json.sections[0].facts.map((f: any) => [f.name, f.value]))
    expect(facts.params).toMatch(/^\[truncated: params/)
  })
})

describe('size cap before stringifying (issue #13 item 6)', () => {
  it('a string param surely over the cap is replaced at once, with its lower bound; a redacted one is not', async () => {
    const rx = await receiver()
    const call = track(
      withWebHooks(async () => 'ok', {
        hooks: [{ method: 'vm.start', type: 'pre/post', url: rx.url, format: 'json' }],
        maxPayloadBytes: 4096,
      })
    )
    const huge = 'z'.repeat(8 * 1024 * 1024)
    expect(await call('vm.start', { data: huge })).toBe('ok')
    await call('vm.start', { password: huge })
    const requests = await rx.waitFor(4)
    const [pre, post] = requests.filter(request => typeof request.json.params === 'string')
    const redactedPre = requests.find(request => typeof request.json.params === 'object')
    expect(pre!.json.params).toBe(
      `[truncated: params was at least ${huge.length + 2} bytes, over maxPayloadBytes 4096]`
    )
    expect(pre!.json.truncated).toEqual(['params'])
    expect([post!.json.type, post!.json.result, post!.json.truncated]).toEqual(['post', 'ok', ['params']])
    // Redaction sends the replacement, which fits: nothing is truncated.
    expect(redactedPre!.json.params).toEqual({ password: '* obfuscated *' })
    expect(redactedPre!.json).not.toHaveProperty('truncated')
  })

  it('what cannot be bounded cheaply (many small strings) still gets the exact size', async () => {
    const rx = await receiver()
    const call = track(
      withWebHooks(async () => 1, {
        hooks: [{ method: 'vm.start', type: 'pre', url: rx.url, format: 'json' }],
        maxPayloadBytes: 4096,
      })
    )
    await call('vm.start', { items: Array.from({ length: 5000 }, () => 'ab') })
    const [pre] = await rx.waitFor(1)
    expect(pre!.json.params).toBe('[truncated: params was 25011 bytes, over maxPayloadBytes 4096]')
  })
})

describe('size cap of errors', () => {
  it('keeps a truncated error an error object with its name and code', async () => {
    const rx = await receiver()
    const call = track(
      withWebHooks(
        async () => {
          throw Object.assign(new Error('x'.repeat(5000)), { code: 'E_BIG' })
        },
        { hooks: [{ method: 'vm.start', type: 'post', url: rx.url, format: 'json' }], maxPayloadBytes: 1000 }
      )
    )
    await call('vm.start', {}).catch(() => {})
    const [post] = await rx.waitFor(1)
    expect(post!.json.error).toEqual({
      name: 'Error',
      message: expect.stringMatching(/^\[truncated: error was at least \d+ bytes, over maxPayloadBytes 1000\]$/),
      code: 'E_BIG',
    })
    expect(post!.json.truncated).toEqual(['error'])
  })
})
