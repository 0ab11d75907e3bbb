/**
 * The three Standard Webhooks headers of a request, read and checked: what each must look like, and the errors that
 * say what is wrong with them. Standard library only: this file ships in `rpc-web-hooks/receiver`.
 */
import { WebHookVerificationError as Failure } from '../errors/verification-error.js'

/**
 * Request headers: a fetch `Headers` object (or anything with `get(name)`), or a plain object such as Node's
 * `IncomingHttpHeaders`. Names are matched in any case.
 */
export type WebHookHeadersInput =
  | { get(name: string): string | null | undefined }
  | Readonly<Record<string, string | readonly string[] | undefined>>

const ENTRY = /^([^,\s]+),([^,\s]+)$/
const V1_SIGNATURE = /^[A-Za-z0-9+/]{43}=$/
const TIMESTAMP = /^\d{1,15}$/

/** The signed headers, each present; `id` sent once and without a "." (the others are parsed in their turn). */
export interface SignedHeaders {
  id: string
  timestamp: string[]
  signature: string[]
}

/** Reads `webhook-id`, `webhook-timestamp` and `webhook-signature`; throws when one is missing or the id is bad. */
export function readSignedHeaders(headers: WebHookHeadersInput): SignedHeaders {
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

  return { id: id[0]!, timestamp, signature }
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

export function parseTimestamp(values: readonly string[]): number {
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
export function parseSignatures(values: readonly string[]): Buffer[] {
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
