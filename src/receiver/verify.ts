/**
 * Verification of signed web hooks on the receiving side (Standard Webhooks v1, HMAC-SHA256). Standard library only
 * (node:crypto), no sender code: this file ships in `rpc-web-hooks/receiver`. The headers are read in
 * signed-headers.ts.
 */
import { timingSafeEqual } from 'node:crypto'
import { WebHookVerificationError as Failure } from '../errors/verification-error.js'
import type { AnyWebHookMethods, WebHookMethodMap, WebHookPayload } from '../payload/types.js'
import { decodeSecret } from '../security/secret.js'
import { computeSignature } from '../security/sign.js'
import type { WebHookHeadersInput } from './signed-headers.js'
import { parseSignatures, parseTimestamp, readSignedHeaders } from './signed-headers.js'

/** Options of {@link verifyWebHook}. */
export interface WebHookVerifyOptions {
  /**
   * Largest accepted difference, in seconds, between `webhook-timestamp` and now, in both directions. Bounds replays.
   * @default 300
   */
  tolerance?: number
  /**
   * The clock, in milliseconds since the epoch (for tests).
   * @default Date.now
   */
  now?: () => number
}

const DEFAULT_TOLERANCE = 300
const SECRET_FORMAT = '"whsec_" followed by the base64 of 24 to 64 random bytes (see generateSecret())'

/**
 * Verifies a signed web hook and returns its parsed payload: the signature (any `v1` entry of `webhook-signature`
 * made with any of the secrets, compared in constant time), then the timestamp (within `tolerance` of now, both
 * ways), then that the body is JSON. It checks authenticity only; to check the payload's shape too, pass the result
 * to `parseWebHookPayload`.
 *
 * @param rawBody - the exact bytes received, before any JSON parsing: a string, Buffer or Uint8Array.
 * @param headers - the request headers (`req.headers`, `request.headers`).
 * @param secret - the hook's secret (`whsec_…`, prefix optional), or several during a rotation (any may match).
 * @throws WebHookVerificationError with a `code` for each cause (see docs/errors.md).
 *
 * @example
 * // Node http
 * const chunks = []
 * for await (const chunk of req) chunks.push(chunk)
 * const payload = verifyWebHook(Buffer.concat(chunks), req.headers, process.env.WEBHOOK_SECRET)
 * @example
 * // fetch-style (Hono, Bun, Deno, workers)
 * const payload = verifyWebHook(await request.text(), request.headers, [newSecret, oldSecret])
 */
export function verifyWebHook<Api extends WebHookMethodMap<Api> = AnyWebHookMethods>(
  rawBody: string | Uint8Array,
  headers: WebHookHeadersInput,
  secret: string | readonly string[],
  options: WebHookVerifyOptions = {}
): WebHookPayload<Api> {
  const keys = decodeSecrets(secret)
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new RangeError(`verifyWebHook: options.tolerance must be a number of seconds >= 0, got ${String(tolerance)}`)
  }
  return verifyWithKeys(rawBody, headers, keys, tolerance, options.now) as WebHookPayload<Api>
}

/**
 * {@link verifyWebHook} with secrets already decoded and a checked tolerance: what `createReceiver` runs per request,
 * its secrets decoded once when it was made. Internal.
 */
export function verifyWithKeys(
  rawBody: string | Uint8Array,
  headers: WebHookHeadersInput,
  keys: readonly Uint8Array[],
  tolerance: number,
  clock: () => number = Date.now
): unknown {
  const body = toBytes(rawBody)

  const { id, timestamp, signature } = readSignedHeaders(headers)
  const seconds = parseTimestamp(timestamp)
  const now = Math.floor(clock() / 1000)
  if (now - seconds > tolerance) {
    throw new Failure(
      'ERR_WEB_HOOK_VERIFY_TIMESTAMP_TOO_OLD',
      `The webhook-timestamp is ${now - seconds} s old, more than the tolerance of ${tolerance} s: a replayed or ` +
        'long-delayed request. Check both clocks (NTP); raise `tolerance` only if deliveries are really that slow.'
    )
  }
  if (seconds - now > tolerance) {
    const hint = seconds > 1e12 ? ' It looks like milliseconds: the timestamp must be in seconds.' : ''
    throw new Failure(
      'ERR_WEB_HOOK_VERIFY_TIMESTAMP_IN_FUTURE',
      `The webhook-timestamp is ${seconds - now} s in the future, more than the tolerance of ${tolerance} s. ` +
        `Check both clocks (NTP).${hint}`
    )
  }

  const candidates = parseSignatures(signature)

  if (body.length === 0) {
    throw new Failure(
      'ERR_WEB_HOOK_VERIFY_EMPTY_BODY',
      'The body is empty. Pass the raw request body, read before any body parser consumes it ' +
        "(express.raw({ type: 'application/json' }), await request.text())."
    )
  }

  const matched = keys.some(key => {
    const expected = computeSignature(key, id, seconds, body)
    return candidates.some(candidate => candidate.length === expected.length && timingSafeEqual(candidate, expected))
  })
  if (!matched) {
    throw new Failure(
      'ERR_WEB_HOOK_VERIFY_SIGNATURE_MISMATCH',
      `No v1 signature matches the body with ${keys.length === 1 ? 'the secret' : `any of the ${keys.length} secrets`}` +
        ': the secret differs from the sender’s, or the body was changed on the way. Verify the exact bytes ' +
        'received, before any JSON parsing or re-encoding, with the secret configured on the sender.'
    )
  }

  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)) as unknown
  } catch {
    throw new Failure(
      'ERR_WEB_HOOK_VERIFY_NOT_JSON',
      'The signature is valid but the body is not JSON (or not UTF-8). The sender must send application/json.'
    )
  }
}

/** Decodes the secrets given to verifyWebHook, each checked; the error says which one is bad without showing it. */
export function decodeSecrets(secret: string | readonly string[]): Uint8Array[] {
  const secrets: readonly unknown[] = Array.isArray(secret) ? secret : [secret]
  if (secrets.length === 0) {
    throw new Failure('ERR_WEB_HOOK_VERIFY_SECRET', `No secret given to verifyWebHook: expected ${SECRET_FORMAT}.`)
  }
  return secrets.map((value, index) => {
    const key = typeof value === 'string' ? decodeSecret(value.trim()) : undefined
    if (key !== undefined) return key
    // Describe the bad secret without showing any of it.
    const which = `${secrets.length === 1 ? 'The secret' : `Secret #${index + 1}`} given to verifyWebHook`
    const problem =
      typeof value !== 'string'
        ? `is a ${value === null ? 'null' : typeof value}, not a string`
        : value.trim() === ''
          ? 'is empty (is its environment variable set?)'
          : `(${value.length} characters) is not a Standard Webhooks secret`
    throw new Failure('ERR_WEB_HOOK_VERIFY_SECRET', `${which} ${problem}: expected ${SECRET_FORMAT}.`)
  })
}

function toBytes(body: unknown): Uint8Array {
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  if (body instanceof Uint8Array) return body
  if (body instanceof ArrayBuffer) return new Uint8Array(body)
  const got =
    body === null || body === undefined ? String(body) : typeof body === 'object' ? 'an object' : `a ${typeof body}`
  throw new Failure(
    'ERR_WEB_HOOK_VERIFY_BODY_TYPE',
    `verifyWebHook needs the raw body (a string, Buffer or Uint8Array), got ${got}: a body parser already turned it ` +
      "into an object. Read the raw body instead (express.raw({ type: 'application/json' }), await request.text())."
  )
}
