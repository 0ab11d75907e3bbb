/**
 * Request checks and responses shared by the receiver's adapters (framework-free: no node:http, no fetch).
 */
import { WebHookRequestError } from '../errors/request-error.js'
import type { WebHookResponseOutput } from './types.js'
import type { WebHookHeadersInput } from './signed-headers.js'

/** Request headers as a plain object, names in lower case, repeated values joined with `, `. */
export function normalizeHeaders(headers: WebHookHeadersInput | undefined): Record<string, string> {
  const result: Record<string, string> = {}
  // `handle({ body })` without headers: none (the request is then refused as unsigned or not JSON, with its code).
  if (headers === undefined || headers === null || typeof headers !== 'object') return result
  const forEach = (headers as { forEach?: unknown }).forEach
  if (typeof (headers as { get?: unknown }).get === 'function' && typeof forEach === 'function') {
    ;(forEach as (fn: (value: string, name: string) => void) => void).call(headers, (value, name) => {
      result[name.toLowerCase()] = value
    })
    return result
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value)
  }
  return result
}

/** Whether a content type is JSON: `application/json` or `application/*+json`, any parameters. */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false
  const type = value.split(';')[0]!.trim().toLowerCase()
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))
}

/** The checks made before the body is read: method and content type. */
export function checkRequest(
  method: string | undefined,
  headers: Record<string, string>
): WebHookRequestError | undefined {
  if (method !== undefined && method.toUpperCase() !== 'POST') {
    return new WebHookRequestError(
      'ERR_WEB_HOOK_REQUEST_METHOD',
      405,
      `Web hooks are sent with POST, got ${method}. Point the hook at this URL with the sender, not a browser.`
    )
  }
  const type = headers['content-type']
  if (!isJsonContentType(type)) {
    return new WebHookRequestError(
      'ERR_WEB_HOOK_REQUEST_CONTENT_TYPE',
      415,
      `Expected content-type application/json, got ${type === undefined ? 'none' : JSON.stringify(type.slice(0, 100))}.`
    )
  }
  return undefined
}

export function tooLarge(limit: number): WebHookRequestError {
  return new WebHookRequestError(
    'ERR_WEB_HOOK_REQUEST_TOO_LARGE',
    413,
    `The body is larger than ${limit} bytes (the receiver's maxBodyBytes). Raise maxBodyBytes, or make the sender's ` +
      'payloads smaller (its payload size cap, redaction).'
  )
}

export function bodyTimedOut(timeout: number): WebHookRequestError {
  return new WebHookRequestError(
    'ERR_WEB_HOOK_REQUEST_TIMEOUT',
    408,
    `The body did not arrive within ${timeout} ms (the receiver's bodyTimeout): the connection is closed. Check the ` +
      'network between sender and receiver, or raise bodyTimeout if bodies are large and the link slow.'
  )
}

/** The declared content-length, or undefined when absent or malformed. */
export function declaredLength(headers: Record<string, string>): number | undefined {
  const value = headers['content-length']
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined
}

export function noContent(extra: Record<string, string> = {}): WebHookResponseOutput {
  return { status: 204, headers: extra, body: '' }
}

export function jsonResponse(status: number, body: unknown, extra: Record<string, string> = {}): WebHookResponseOutput {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...extra },
    body: JSON.stringify(body),
  }
}

export function errorResponse(status: number, code: string, message: string): WebHookResponseOutput {
  return jsonResponse(status, { error: code, message }, status === 405 ? { allow: 'POST' } : {})
}
