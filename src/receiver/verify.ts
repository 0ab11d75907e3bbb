/**
 * Verification of signed web hooks on the receiving side (Standard Webhooks v1, HMAC-SHA256). Standard library only
 * (node:crypto), no sender code: this file ships in `rpc-web-hooks/receiver`.
 */
import { timingSafeEqual } from 'node:crypto'
import { WebHookVerificationError as Failure } from '../errors/verification-error.js'
import type { AnyWebHookMethods, WebHookMethodMap, WebHookPayload } from '../payload/types.js'
import { decodeSecret } from '../security/secret.js'
import { computeSignature } from '../security/sign.js'

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

/**
 * Request headers: a fetch `Headers` object (or anything with `get(name)`), or a plain object such as Node's
 * `IncomingHttpHeaders`. Names are matched in any case.
 */
export type WebHookHeadersInput =
  | { get(name: string): string | null | undefined }
  | Readonly<Record<string, string | readonly string[] | undefined>>

const DEFAULT_TOLERANCE = 300
const SECRET_FORMAT = '"whsec_" followed by the base64 of 24 to 64 random bytes (see generateSecret())'
const ENTRY = /^([^,\s]+),([^,\s]+)$/
const V1_SIGNATURE = /^[A-Za-z0-9+/]{43}=$/
const TIMESTAMP = /^\d{1,15}$/

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

  const id = readHeader(headers, 'webhook-id')
  const timestamp = readHeader(headers, 'webhook-timestamp')
  const signature = readHeader(headers, 'webhook-signature')
  const missing = [
    ['webhook-id', id],
    ['webhook-timestamp', timestamp],
    ['webhook-signature', signature],
  ].flatMap(([name, values]) => (values!.length === 0 ? [name as string] : []))
  if (missing.length > 0) {
    throw new Failure(
      'ERR_WEB_HOOK_VERIFY_MISSING_HEADER',
      `Missing ${missing.length === 1 ? 'header' : 'headers'} ${missing.join(', ')}: the request is not signed. ` +
        'Give the hook a `secret` on the sender (the same as here), and make sure no proxy strips these headers.'
    )
  }

  if (id.length > 1 || id[0]!.includes('.')) {
    throw new Failure(
      'ERR_WEB_HOOK_VERIFY_MALFORMED_ID',
      id.length > 1
        ? 'The webhook-id header was sent more than once; a sender sends it exactly once.'
        : 'The webhook-id header contains a ".", which Standard Webhooks forbids (it separates the signed fields).'
    )
  }

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
    const expected = computeSignature(key, id[0]!, seconds, body)
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

/** Every value of header `name` (any case), `[]` when absent or empty. */
function readHeader(headers: WebHookHeadersInput, name: string): string[] {
  if (headers === null || typeof headers !== 'object') return []
  const getter = (headers as { get?: unknown }).get
  if (typeof getter === 'function') {
    const value = (getter as (name: string) => string | null | undefined).call(headers, name)
    return typeof value === 'string' && value.trim() !== '' ? [value.trim()] : []
  }
  const values: string[] = []
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() !== name) continue
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string' && item.trim() !== '') values.push(item.trim())
    }
  }
  return values
}

function parseTimestamp(values: readonly string[]): number {
  const [value] = values
  if (values.length > 1 || !TIMESTAMP.test(value!)) {
    throw new Failure(
      'ERR_WEB_HOOK_VERIFY_MALFORMED_TIMESTAMP',
      values.length > 1 || value!.includes(',')
        ? 'The webhook-timestamp header was sent more than once; a sender sends it exactly once.'
        : 'The webhook-timestamp header is not an integer number of seconds since the epoch.'
    )
  }
  return Number(value)
}

/**
 * The decoded `v1` signatures of the header. Entries that are not well formed are skipped, as the reference
 * `standardwebhooks` library does (a sender may list entries of a scheme it knows and we do not); a header with no
 * well-formed entry at all is malformed.
 */
function parseSignatures(values: readonly string[]): Buffer[] {
  const malformed = (why: string) =>
    new Failure(
      'ERR_WEB_HOOK_VERIFY_MALFORMED_SIGNATURE',
      `The webhook-signature header is malformed: ${why}. Expected a space-separated list of "v1,<base64>" entries.`
    )
  if (values.length > 1) throw malformed('it was sent more than once')
  const signatures: Buffer[] = []
  let wellFormed = 0
  let problem: string | undefined
  const entries = values[0]!.split(/ +/)
  entries.forEach((entry, index) => {
    const match = ENTRY.exec(entry)
    if (!match) {
      // A header sent twice and joined by a proxy is refused as the array form is, whatever its entries.
      if (entry.endsWith(',') && index < entries.length - 1) {
        throw malformed('it looks like it was sent more than once (values joined with ", ")')
      }
      problem ??= `entry #${index + 1} is not "version,signature"`
      return
    }
    if (match[1] !== 'v1') {
      wellFormed++ // other versions (v1a, …) are not ours to check
      return
    }
    if (!V1_SIGNATURE.test(match[2]!)) {
      problem ??= `v1 entry #${index + 1} is not the base64 of a 32-byte HMAC-SHA256 (truncated?)`
      return
    }
    wellFormed++
    signatures.push(Buffer.from(match[2]!, 'base64'))
  })
  if (wellFormed === 0) throw malformed(problem ?? 'it has no entry')
  if (signatures.length === 0) {
    throw new Failure(
      'ERR_WEB_HOOK_VERIFY_SIGNATURE_MISMATCH',
      'The webhook-signature header has no v1 entry: this receiver checks Standard Webhooks v1 (HMAC-SHA256) ' +
        'signatures only.'
    )
  }
  return signatures
}
