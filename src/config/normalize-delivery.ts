/**
 * Normalisation of the delivery options a hook may set for itself and the configuration for all hooks: timeout,
 * retry, concurrency, secret and headers. The configuration's are resolved first (over the library defaults), then
 * each hook's over them.
 */
import { decodeSecret } from '../security/secret.js'
import {
  fail,
  isObject,
  isUnset,
  optBoolean,
  optDuration,
  optNonNegative,
  optPositiveInteger,
  typeName,
} from '../validation/check.js'
import { checkKnownKeys } from '../validation/known-keys.js'
import { RETRY_KEYS } from './option-keys.js'
import type { ResolvedRetry } from './normalized.js'

export interface ResolvedDeliveryOptions {
  timeout: number
  retry: ResolvedRetry | false
  redirects: number
  concurrency: number
  secrets: readonly Uint8Array[]
  headers: Readonly<Record<string, string>>
}

/** The library defaults, XO's 10 s timeout included. */
export const DEFAULT_DELIVERY: ResolvedDeliveryOptions = {
  timeout: 10_000,
  retry: { schedule: undefined, retries: 5, minDelay: 1000, maxDelay: 300_000, jitter: true },
  redirects: 0,
  concurrency: 8,
  secrets: [],
  headers: {},
}

/** Headers we set ourselves (or that the HTTP client owns): a configuration may not set them. */
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'host', 'transfer-encoding', 'connection'])
/** RFC 9110 token. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const HEADER_VALUE_FORBIDDEN = /[\r\n\0]/

function resolveRetry(value: unknown, path: string, fallback: ResolvedRetry | false): ResolvedRetry | false {
  if (isUnset(value)) return fallback
  if (value === false) return false
  if (!isObject(value)) fail('ERR_WEB_HOOK_CONFIG_TYPE', path, `must be false or an object, got ${typeName(value)}`)
  checkKnownKeys(value, RETRY_KEYS, `${path}.`)
  if (!isUnset(value.schedule) && !isUnset(value.retries)) {
    fail(
      'ERR_WEB_HOOK_CONFIG_VALUE',
      `${path}.retries`,
      'cannot be set with schedule (a schedule of n delays makes n retries): keep one of them'
    )
  }
  const defaults = DEFAULT_DELIVERY.retry as ResolvedRetry
  let schedule: number[] | undefined
  if (!isUnset(value.schedule)) {
    if (!Array.isArray(value.schedule)) {
      fail(
        'ERR_WEB_HOOK_CONFIG_TYPE',
        `${path}.schedule`,
        `must be an array of delays in ms, got ${typeName(value.schedule)}`
      )
    }
    schedule = value.schedule.map((delay, i) => optDuration(delay, `${path}.schedule[${i}]`, 0))
  }
  const minDelay = optDuration(value.minDelay, `${path}.minDelay`, defaults.minDelay)
  const maxDelay = optDuration(value.maxDelay, `${path}.maxDelay`, Math.max(defaults.maxDelay, minDelay))
  if (maxDelay < minDelay) {
    fail('ERR_WEB_HOOK_CONFIG_VALUE', `${path}.maxDelay`, `must be at least minDelay (${minDelay}), got ${maxDelay}`)
  }
  return {
    schedule,
    retries: schedule?.length ?? optNonNegative(value.retries, `${path}.retries`, defaults.retries, true),
    minDelay,
    maxDelay,
    jitter: optBoolean(value.jitter, `${path}.jitter`, defaults.jitter),
  }
}

/** Most redirects a hook may follow: more is a loop, not a moved endpoint. */
export const MAX_REDIRECTS = 20

function resolveRedirects(value: unknown, path: string, fallback: number): number {
  const redirects = optNonNegative(value, path, fallback, true)
  if (redirects > MAX_REDIRECTS) {
    fail('ERR_WEB_HOOK_CONFIG_VALUE', path, `must be at most ${MAX_REDIRECTS} (redirects followed), got ${redirects}`)
  }
  return redirects
}

function resolveSecrets(source: Record<string, unknown>, path: string, owner: string, fallback: readonly Uint8Array[]) {
  if (!Object.hasOwn(source, 'secret')) return fallback
  const value = source.secret
  // Present but unset: usually an unset environment variable, which must not turn signing off silently (the
  // receiver's rule too). Leave the key out for unsigned hooks.
  if (isUnset(value) || (Array.isArray(value) && value.length === 0)) {
    fail(
      'ERR_WEB_HOOK_CONFIG_SECRET',
      path,
      `the secret of ${owner} is ${Array.isArray(value) ? 'an empty list' : String(value)} (is its environment ` +
        'variable set?); leave the key out to send unsigned hooks'
    )
  }
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list)) {
    fail('ERR_WEB_HOOK_CONFIG_TYPE', path, `must be a string or an array of strings, got ${typeName(value)}`)
  }
  return list.map((secret, i) => {
    const itemPath = Array.isArray(value) ? `${path}[${i}]` : path
    const key = typeof secret === 'string' ? decodeSecret(secret) : undefined
    if (key === undefined) {
      // Never print the secret itself: only what is wrong with it.
      fail(
        'ERR_WEB_HOOK_CONFIG_SECRET',
        itemPath,
        `the secret of ${owner} is not a Standard Webhooks secret (${typeof secret === 'string' ? `a string of ${secret.length} characters` : typeName(secret)}): ` +
          'expected "whsec_" followed by base64 of 24 to 64 bytes. Generate one with generateSecret().'
      )
    }
    return key
  })
}

function resolveHeaders(value: unknown, path: string, fallback: Readonly<Record<string, string>>) {
  if (isUnset(value)) return fallback
  if (!isObject(value)) {
    fail('ERR_WEB_HOOK_CONFIG_TYPE', path, `must be an object of header names to string values, got ${typeName(value)}`)
  }
  const headers: Record<string, string> = { ...fallback }
  for (const [name, headerValue] of Object.entries(value)) {
    const lower = name.toLowerCase()
    const at = `${path}.${name}`
    if (!HEADER_NAME.test(name)) fail('ERR_WEB_HOOK_CONFIG_HEADER', at, 'is not a valid HTTP header name')
    if (RESERVED_HEADERS.has(lower) || lower.startsWith('webhook-')) {
      fail(
        'ERR_WEB_HOOK_CONFIG_HEADER',
        at,
        `"${lower}" is set by rpc-web-hooks itself (content-type, webhook-id, webhook-timestamp and webhook-signature ` +
          'are ours; content-length, host, transfer-encoding and connection belong to HTTP): remove it'
      )
    }
    if (typeof headerValue !== 'string') {
      fail('ERR_WEB_HOOK_CONFIG_HEADER', at, `must be a string, got ${typeName(headerValue)}`)
    }
    if (HEADER_VALUE_FORBIDDEN.test(headerValue)) {
      fail('ERR_WEB_HOOK_CONFIG_HEADER', at, 'contains a line break or NUL character, which HTTP headers cannot carry')
    }
    headers[lower] = headerValue
  }
  return headers
}

/**
 * Resolves the delivery options of `source` (the configuration or one hook) over `fallback`. `owner` names the
 * source in messages (`hooks[1] (https://hooks.example/)`).
 */
export function resolveDeliveryOptions(
  source: Record<string, unknown>,
  prefix: string,
  owner: string,
  fallback: ResolvedDeliveryOptions
): ResolvedDeliveryOptions {
  return {
    timeout: optDuration(source.timeout, `${prefix}timeout`, fallback.timeout, 1),
    retry: resolveRetry(source.retry, `${prefix}retry`, fallback.retry),
    redirects: resolveRedirects(source.redirects, `${prefix}redirects`, fallback.redirects),
    concurrency: optPositiveInteger(source.concurrency, `${prefix}concurrency`, fallback.concurrency),
    secrets: resolveSecrets(source, `${prefix}secret`, owner, fallback.secrets),
    headers: resolveHeaders(source.headers, `${prefix}headers`, fallback.headers),
  }
}
