import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { generateSecret } from '../../src/index.js'
import { createReceiver, WebHookVerificationError, isWebHookError, verifyWebHook } from '../../src/receiver/index.js'
import type { WebHookVerificationErrorCode } from '../../src/receiver/index.js'
import { decodeSecret } from '../../src/security/secret.js'
import { computeSignature, signWebHook } from '../../src/security/sign.js'
import { post, serve } from '../receiver/helpers/server.js'

// The reference vector of the Standard Webhooks libraries.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek'
const TIMESTAMP = 1614265330
const BODY = '{"test": 2432232314}'
const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
const NOW = () => TIMESTAMP * 1000
const HEADERS = { 'webhook-id': ID, 'webhook-timestamp': String(TIMESTAMP), 'webhook-signature': SIGNATURE }

function sign(secrets: readonly string[], body: string, timestamp = TIMESTAMP, id = ID) {
  const keys = secrets.map(secret => decodeSecret(secret)!)
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebHook(keys, id, timestamp, body),
  }
}

function failure(run: () => unknown): WebHookVerificationError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(WebHookVerificationError)
    expect(isWebHookError(error)).toBe(true)
    expect((error as Error).name).toBe('WebHookVerificationError')
    return error as WebHookVerificationError
  }
  throw new Error('expected verifyWebHook to throw')
}

function expectCode(run: () => unknown, code: WebHookVerificationErrorCode): WebHookVerificationError {
  const error = failure(run)
  expect(error.code).toBe(code)
  expect(error.message).not.toContain(SECRET.slice(6))
  return error
}

describe('signing', () => {
  it('produces the reference test vector exactly', () => {
    expect(signWebHook([decodeSecret(SECRET)!], ID, TIMESTAMP, BODY)).toBe(SIGNATURE)
  })

  it('signs with every secret during a rotation, space-separated', () => {
    const other = generateSecret()
    const header = signWebHook([decodeSecret(SECRET)!, decodeSecret(other)!], ID, TIMESTAMP, BODY)
    expect(header.split(' ')).toHaveLength(2)
    expect(header.split(' ')[0]).toBe(SIGNATURE)
  })

  it('generates whsec_ secrets of 24 to 64 bytes and refuses other sizes', () => {
    expect(decodeSecret(generateSecret())).toHaveLength(32)
    expect(decodeSecret(generateSecret(24))).toHaveLength(24)
    expect(decodeSecret(generateSecret(64))).toHaveLength(64)
    expect(generateSecret()).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/)
    expect(generateSecret()).not.toBe(generateSecret())
    expect(() => generateSecret(16)).toThrow(RangeError)
    expect(() => generateSecret(65)).toThrow(RangeError)
  })
})

describe('verifyWebHook', () => {
  it('verifies the reference vector and returns the parsed payload', () => {
    expect(verifyWebHook(BODY, HEADERS, SECRET, { now: NOW })).toEqual({ test: 2432232314 })
  })

  it('accepts the secret without its whsec_ prefix, a Buffer or Uint8Array body, and a Headers object', () => {
    expect(verifyWebHook(Buffer.from(BODY), HEADERS, SECRET.slice(6), { now: NOW })).toEqual({ test: 2432232314 })
    expect(verifyWebHook(new TextEncoder().encode(BODY), new Headers(HEADERS), SECRET, { now: NOW })).toEqual({
      test: 2432232314,
    })
  })

  it('matches header names in any case, and single-element arrays (IncomingHttpHeaders)', () => {
    const headers = { 'Webhook-Id': [ID], 'WEBHOOK-TIMESTAMP': String(TIMESTAMP), 'webhook-Signature': SIGNATURE }
    expect(verifyWebHook(BODY, headers, SECRET, { now: NOW })).toEqual({ test: 2432232314 })
  })

  it('accepts any matching v1 entry and ignores other versions', () => {
    const header = `v1a,${Buffer.alloc(64).toString('base64')} v1,${Buffer.alloc(32).toString('base64')} ${SIGNATURE}`
    expect(verifyWebHook(BODY, { ...HEADERS, 'webhook-signature': header }, SECRET, { now: NOW })).toEqual({
      test: 2432232314,
    })
  })

  it('verifies with either secret during a rotation', () => {
    const [a, b] = [generateSecret(), generateSecret()]
    const headers = sign([a, b], BODY)
    expect(verifyWebHook(BODY, headers, a, { now: NOW })).toEqual({ test: 2432232314 })
    expect(verifyWebHook(BODY, headers, b, { now: NOW })).toEqual({ test: 2432232314 })
    expect(verifyWebHook(BODY, sign([b], BODY), [a, b], { now: NOW })).toEqual({ test: 2432232314 })
    expectCode(
      () => verifyWebHook(BODY, headers, generateSecret(), { now: NOW }),
      'ERR_WEB_HOOK_VERIFY_SIGNATURE_MISMATCH'
    )
  })

  it('refuses a tampered body', () => {
    const error = expectCode(
      () => verifyWebHook('{"test": 2432232315}', HEADERS, SECRET, { now: NOW }),
      'ERR_WEB_HOOK_VERIFY_SIGNATURE_MISMATCH'
    )
    expect(error.message).toMatch(/secret differs|body was changed/)
  })

  it('refuses a stale timestamp and one in the future, with a configurable tolerance', () => {
    const late = () => (TIMESTAMP + 301) * 1000
    const early = () => (TIMESTAMP - 301) * 1000
    const old = expectCode(
      () => verifyWebHook(BODY, HEADERS, SECRET, { now: late }),
      'ERR_WEB_HOOK_VERIFY_TIMESTAMP_TOO_OLD'
    )
    expect(old.message).toContain('301 s old')
    expectCode(() => verifyWebHook(BODY, HEADERS, SECRET, { now: early }), 'ERR_WEB_HOOK_VERIFY_TIMESTAMP_IN_FUTURE')
    // Exactly at the tolerance still passes; a wider tolerance lets older requests through.
    expect(verifyWebHook(BODY, HEADERS, SECRET, { now: () => (TIMESTAMP + 300) * 1000 })).toBeTruthy()
    expect(verifyWebHook(BODY, HEADERS, SECRET, { now: late, tolerance: 600 })).toBeTruthy()
    expectCode(
      () => verifyWebHook(BODY, HEADERS, SECRET, { now: () => (TIMESTAMP + 11) * 1000, tolerance: 10 }),
      'ERR_WEB_HOOK_VERIFY_TIMESTAMP_TOO_OLD'
    )
  })

  it('refuses a negative or non-finite tolerance', () => {
    for (const tolerance of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => verifyWebHook(BODY, HEADERS, SECRET, { now: NOW, tolerance })).toThrow(RangeError)
    }
  })

  it('uses the real clock by default', () => {
    const now = Math.floor(Date.now() / 1000)
    expect(verifyWebHook(BODY, sign([SECRET], BODY, now), SECRET)).toEqual({ test: 2432232314 })
    expectCode(() => verifyWebHook(BODY, HEADERS, SECRET), 'ERR_WEB_HOOK_VERIFY_TIMESTAMP_TOO_OLD')
  })

  it('refuses a malformed timestamp, and hints at milliseconds', () => {
    for (const value of ['abc', '1614265330.5', '-1614265330', '1614265330, 1614265330']) {
      expectCode(
        () => verifyWebHook(BODY, { ...HEADERS, 'webhook-timestamp': value }, SECRET, { now: NOW }),
        'ERR_WEB_HOOK_VERIFY_MALFORMED_TIMESTAMP'
      )
    }
    const ms = expectCode(
      () => verifyWebHook(BODY, { ...HEADERS, 'webhook-timestamp': String(TIMESTAMP * 1000) }, SECRET, { now: NOW }),
      'ERR_WEB_HOOK_VERIFY_TIMESTAMP_IN_FUTURE'
    )
    expect(ms.message).toContain('milliseconds')
  })

  it('refuses a truncated signature header', () => {
    for (const value of [SIGNATURE.slice(0, 20), 'v1,', 'v1', SIGNATURE.slice(0, -1)]) {
      expectCode(
        () => verifyWebHook(BODY, { ...HEADERS, 'webhook-signature': value }, SECRET, { now: NOW }),
        'ERR_WEB_HOOK_VERIFY_MALFORMED_SIGNATURE'
      )
    }
  })

  it('skips malformed entries next to a valid one, as the standardwebhooks library does (item 12.17)', async () => {
    const reference = new Webhook(SECRET)
    const body = JSON.stringify(post())
    const signed = sign([SECRET], body, Math.floor(Date.now() / 1000))
    const valid = signed['webhook-signature']
    const receiver = createReceiver({ secret: SECRET })
    const served = await serve(receiver.node)
    try {
      for (const value of [
        `v1,AAAA ${valid}`,
        `${valid} garbage`,
        `v1,!!!notbase64!!! v1a,abc ${valid}`,
        `,abc ${valid}`,
      ]) {
        const headers = { ...signed, 'webhook-signature': value }
        expect(() => reference.verify(body, headers)).not.toThrow()
        expect(verifyWebHook(body, headers, SECRET)).toEqual(JSON.parse(body))
        const response = await fetch(served.url, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body,
        })
        expect(response.status).toBe(204)
      }
    } finally {
      await served.close()
    }
    // Malformed entries next to a well-formed but wrong one: a mismatch, not a malformed header.
    const wrong = `v1,${Buffer.alloc(32).toString('base64')}`
    expectCode(
      () => verifyWebHook(BODY, { ...HEADERS, 'webhook-signature': `v1,AAAA ${wrong}` }, SECRET, { now: NOW }),
      'ERR_WEB_HOOK_VERIFY_SIGNATURE_MISMATCH'
    )
    // No well-formed entry at all: still malformed, naming the first bad entry.
    const error = expectCode(
      () => verifyWebHook(BODY, { ...HEADERS, 'webhook-signature': 'v1,AAAA garbage' }, SECRET, { now: NOW }),
      'ERR_WEB_HOOK_VERIFY_MALFORMED_SIGNATURE'
    )
    expect(error.message).toContain('v1 entry #1')
  })

  it('refuses a duplicated signature header (array, joined with a comma, or concatenated)', () => {
    const cases = [
      { 'webhook-signature': [SIGNATURE, SIGNATURE] },
      { 'webhook-signature': `${SIGNATURE}, ${SIGNATURE}` },
    ]
    for (const headers of cases) {
      const error = expectCode(
        () => verifyWebHook(BODY, { ...HEADERS, ...headers }, SECRET, { now: NOW }),
        'ERR_WEB_HOOK_VERIFY_MALFORMED_SIGNATURE'
      )
      expect(error.message).toContain('more than once')
    }
    const joined = new Headers(HEADERS)
    joined.append('webhook-signature', SIGNATURE)
    expectCode(() => verifyWebHook(BODY, joined, SECRET, { now: NOW }), 'ERR_WEB_HOOK_VERIFY_MALFORMED_SIGNATURE')
    expectCode(
      () => verifyWebHook(BODY, { ...HEADERS, 'webhook-signature': SIGNATURE + SIGNATURE }, SECRET, { now: NOW }),
      'ERR_WEB_HOOK_VERIFY_MALFORMED_SIGNATURE'
    )
  })

  it('refuses garbage in the signature header, and a header without any v1 entry', () => {
    for (const value of ['garbage', 'v1,!!!notbase64!!!aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=', ',abc', 'v1,a,b']) {
      expectCode(
        () => verifyWebHook(BODY, { ...HEADERS, 'webhook-signature': value }, SECRET, { now: NOW }),
        'ERR_WEB_HOOK_VERIFY_MALFORMED_SIGNATURE'
      )
    }
    const error = expectCode(
      () => verifyWebHook(BODY, { ...HEADERS, 'webhook-signature': 'v1a,abc' }, SECRET, { now: NOW }),
      'ERR_WEB_HOOK_VERIFY_SIGNATURE_MISMATCH'
    )
    expect(error.message).toContain('no v1 entry')
  })

  it('refuses missing headers, naming them', () => {
    const error = expectCode(() => verifyWebHook(BODY, {}, SECRET, { now: NOW }), 'ERR_WEB_HOOK_VERIFY_MISSING_HEADER')
    expect(error.message).toContain('webhook-id, webhook-timestamp, webhook-signature')
    for (const name of Object.keys(HEADERS)) {
      const { [name as keyof typeof HEADERS]: _, ...rest } = HEADERS
      const one = expectCode(
        () => verifyWebHook(BODY, rest, SECRET, { now: NOW }),
        'ERR_WEB_HOOK_VERIFY_MISSING_HEADER'
      )
      expect(one.message).toContain(`header ${name}:`)
      expectCode(
        () => verifyWebHook(BODY, { ...HEADERS, [name]: '' }, SECRET, { now: NOW }),
        'ERR_WEB_HOOK_VERIFY_MISSING_HEADER'
      )
    }
    expectCode(() => verifyWebHook(BODY, new Headers(), SECRET, { now: NOW }), 'ERR_WEB_HOOK_VERIFY_MISSING_HEADER')
    expectCode(
      () => verifyWebHook(BODY, undefined as unknown as Headers, SECRET, { now: NOW }),
      'ERR_WEB_HOOK_VERIFY_MISSING_HEADER'
    )
  })

  it('refuses a webhook-id sent twice or containing a dot', () => {
    expectCode(
      () => verifyWebHook(BODY, { ...HEADERS, 'webhook-id': [ID, ID] }, SECRET, { now: NOW }),
      'ERR_WEB_HOOK_VERIFY_MALFORMED_ID'
    )
    expectCode(
      () => verifyWebHook(BODY, { ...HEADERS, 'webhook-id': 'msg.1' }, SECRET, { now: NOW }),
      'ERR_WEB_HOOK_VERIFY_MALFORMED_ID'
    )
  })

  it('refuses an empty body', () => {
    const error = expectCode(
      () => verifyWebHook('', sign([SECRET], ''), SECRET, { now: NOW }),
      'ERR_WEB_HOOK_VERIFY_EMPTY_BODY'
    )
    expect(error.message).toContain('express.raw')
    expectCode(() => verifyWebHook(Buffer.alloc(0), HEADERS, SECRET, { now: NOW }), 'ERR_WEB_HOOK_VERIFY_EMPTY_BODY')
  })

  it('refuses a body that a parser already turned into an object', () => {
    const error = expectCode(
      () => verifyWebHook({ test: 2432232314 } as unknown as string, HEADERS, SECRET, { now: NOW }),
      'ERR_WEB_HOOK_VERIFY_BODY_TYPE'
    )
    expect(error.message).toContain('raw body')
  })

  it('refuses a validly signed body that is not JSON', () => {
    for (const body of ['not json', '{"truncated": ']) {
      expectCode(() => verifyWebHook(body, sign([SECRET], body), SECRET, { now: NOW }), 'ERR_WEB_HOOK_VERIFY_NOT_JSON')
    }
    // Signed bytes that are not UTF-8.
    const latin1 = Buffer.from([0x22, 0xff, 0x22])
    const signature = `v1,${computeSignature(decodeSecret(SECRET)!, ID, TIMESTAMP, latin1).toString('base64')}`
    const headers = { ...HEADERS, 'webhook-signature': signature }
    expectCode(() => verifyWebHook(latin1, headers, SECRET, { now: NOW }), 'ERR_WEB_HOOK_VERIFY_NOT_JSON')
  })

  it('refuses a bad secret without ever showing it', () => {
    const bad = [
      'whsec_short',
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS', // not base64 (length)
      `whsec_${Buffer.alloc(16).toString('base64')}`, // 16 bytes: too short
      `whsec_${Buffer.alloc(65).toString('base64')}`, // 65 bytes: too long
      'sk_live_stripe_like_secret_value',
    ]
    for (const secret of bad) {
      const error = expectCode(() => verifyWebHook(BODY, HEADERS, secret, { now: NOW }), 'ERR_WEB_HOOK_VERIFY_SECRET')
      expect(error.message).not.toContain(secret)
      expect(error.message).not.toContain(secret.slice(6))
      expect(error.message).toContain('whsec_')
    }
    expect(failure(() => verifyWebHook(BODY, HEADERS, '', { now: NOW })).message).toContain('empty')
    expect(failure(() => verifyWebHook(BODY, HEADERS, [], { now: NOW })).code).toBe('ERR_WEB_HOOK_VERIFY_SECRET')
    const second = failure(() => verifyWebHook(BODY, HEADERS, [SECRET, 'whsec_nope'], { now: NOW }))
    expect(second.message).toContain('Secret #2')
    expect(second.message).not.toContain('nope')
  })

  it('never puts the secret in any error message', () => {
    const secret = generateSecret()
    const messages: string[] = []
    for (const run of [
      () => verifyWebHook(BODY, HEADERS, secret, { now: NOW }),
      () => verifyWebHook(BODY, {}, secret, { now: NOW }),
      () => verifyWebHook('', HEADERS, secret, { now: NOW }),
      () => verifyWebHook('x', sign([secret], 'x'), secret, { now: NOW }),
    ]) {
      const error = failure(run)
      messages.push(error.message, String(error.stack))
    }
    for (const message of messages) expect(message).not.toContain(secret.slice(6, 20))
  })
})

describe('interoperability with the standardwebhooks package', () => {
  it('standardwebhooks verifies what we sign', () => {
    const secret = generateSecret()
    const timestamp = Math.floor(Date.now() / 1000)
    const body = JSON.stringify({ type: 'pre', callId: 'c1', method: 'vm.start', params: { id: 'é' }, timestamp: 1 })
    const headers = sign([secret], body, timestamp, 'msg_interop1')
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body))
    // …and with a rotation header, where its key is the second entry.
    const rotated = sign([generateSecret(), secret], body, timestamp, 'msg_interop2')
    expect(new Webhook(secret).verify(body, rotated)).toEqual(JSON.parse(body))
  })

  it('we verify what standardwebhooks signs', () => {
    const secret = generateSecret()
    const webhook = new Webhook(secret)
    const now = new Date()
    const body = JSON.stringify({ type: 'post', callId: 'c2', method: 'vm.stop', params: {}, result: true })
    const headers = {
      'webhook-id': 'msg_fromlib',
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': webhook.sign('msg_fromlib', now, body),
    }
    expect(verifyWebHook(body, headers, secret)).toEqual(JSON.parse(body))
    expect(verifyWebHook(body, headers, secret.slice(6))).toEqual(JSON.parse(body))
    expectCode(() => verifyWebHook(`${body} `, headers, secret), 'ERR_WEB_HOOK_VERIFY_SIGNATURE_MISMATCH')
  })
})
