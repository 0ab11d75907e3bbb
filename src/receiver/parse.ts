/**
 * Shape checks of received payloads: what Xen Orchestra's web-hooks plugin (and rpc-web-hooks) sends, field by field,
 * so a handler can trust the types it is given.
 */
import { WebHookPayloadError as Failure } from '../errors/payload-error.js'
import type { AnyWebHookMethods, WebHookMethodMap, WebHookPayload } from '../payload/types.js'

type Json = Record<string, unknown>

/**
 * Xen Orchestra's test sample, sent by its plugin's Test button (and `rpc-web-hooks test`, and the controller's
 * `test()`): `callId: "0"`, `timestamp: 0`, and a post without `duration`, `result` or `error`.
 */
export interface WebHookTestPayload {
  type: 'pre' | 'post'
  callId: '0'
  userId?: string
  userName?: string
  method: string
  params: unknown
  timestamp: 0
}

/**
 * Whether `value` is Xen Orchestra's test sample (`callId: "0"` and `timestamp: 0`) rather than a real call. A receiver
 * answers it 204 without running its handlers (it goes to `onTest`).
 *
 * @example if (isWebHookTestPayload(value)) return new Response(null, { status: 204 })
 */
export function isWebHookTestPayload(value: unknown): value is WebHookTestPayload {
  return (
    isObject(value) &&
    value.callId === '0' &&
    value.timestamp === 0 &&
    (value.type === 'pre' || value.type === 'post') &&
    typeof value.method === 'string'
  )
}

/**
 * Checks that `value` (a parsed JSON body) is a pre or post payload and narrows its type. It checks the shape only:
 * `params` and `result` are trusted to match the method map `Api`, which is the sender's contract.
 *
 * Required: `type` (`pre` or `post`), `callId`, `method` (non-empty strings), `params` (any JSON value), `timestamp`
 * (ms, a number ≥ 0); optional strings `userId`, `userName`, `userIp`. A post also needs `duration` (ms ≥ 0) and
 * exactly one of `result` or `error` (an object whose `name`, `message` and `stack` are strings when present).
 *
 * Xen Orchestra's test sample post has no `duration` nor `result`, so it does not pass: check `isWebHookTestPayload`
 * first.
 *
 * @throws WebHookPayloadError whose `path` names the bad field (`''`, `type`, `params`, `duration`, `error.message`…).
 * @example
 * const payload = parseWebHookPayload<MyApi>(verifyWebHook(body, headers, secret))
 * if (payload.type === 'post' && payload.method === 'vm.start') payload.result // typed by MyApi
 */
export function parseWebHookPayload<Api extends WebHookMethodMap<Api> = AnyWebHookMethods>(
  value: unknown
): WebHookPayload<Api> {
  if (!isObject(value)) {
    throw new Failure('ERR_WEB_HOOK_PAYLOAD_NOT_OBJECT', '', `A payload must be a JSON object, got ${describe(value)}.`)
  }
  if (value['@type'] === 'MessageCard') {
    throw new Failure(
      'ERR_WEB_HOOK_PAYLOAD_FORMAT',
      '',
      'This is an Office 365 MessageCard, not a payload: set the hook’s `format` to `json` to receive payloads.'
    )
  }
  if (value.type === undefined) throw missing('type', '"pre" or "post"')
  if (value.type !== 'pre' && value.type !== 'post') {
    throw invalid('type', `must be "pre" or "post", got ${describe(value.type)}`)
  }
  nonEmptyString(value, 'callId')
  nonEmptyString(value, 'method')
  if (value.params === undefined) throw missing('params', 'the call’s parameters (any JSON value)')
  nonNegativeNumber(value, 'timestamp', 'milliseconds since the epoch')
  for (const key of ['userId', 'userName', 'userIp'] as const) optionalString(value, key, key)

  if (value.type === 'post') {
    nonNegativeNumber(value, 'duration', 'the call’s duration in milliseconds')
    const hasResult = value.result !== undefined
    const hasError = value.error !== undefined
    if (hasResult && hasError) throw invalid('error', 'a post payload has `result` or `error`, not both')
    if (!hasResult && !hasError) throw missing('result', '`result` (on success) or `error` (on failure)')
    if (hasError) checkError(value.error)
  }
  return value as unknown as WebHookPayload<Api>
}

function checkError(error: unknown): void {
  if (!isObject(error)) {
    throw new Failure(
      'ERR_WEB_HOOK_PAYLOAD_NOT_OBJECT',
      'error',
      `must be a serialised error object, got ${describe(error)}`
    )
  }
  for (const key of ['name', 'message', 'stack'] as const) optionalString(error, key, `error.${key}`)
  const { code } = error
  if (code !== undefined && typeof code !== 'string' && typeof code !== 'number') {
    throw invalid('error.code', `must be a string or a number, got ${describe(code)}`)
  }
}

function nonEmptyString(value: Json, key: string): void {
  if (value[key] === undefined) throw missing(key, 'a non-empty string')
  if (typeof value[key] !== 'string' || value[key] === '') {
    throw invalid(key, `must be a non-empty string, got ${describe(value[key])}`)
  }
}

function optionalString(value: Json, key: string, path: string): void {
  if (value[key] !== undefined && typeof value[key] !== 'string') {
    throw invalid(path, `must be a string when present, got ${describe(value[key])}`)
  }
}

function nonNegativeNumber(value: Json, key: string, what: string): void {
  if (value[key] === undefined) throw missing(key, what)
  const number = value[key]
  if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) {
    throw invalid(key, `must be ${what} (a number ≥ 0), got ${describe(number)}`)
  }
}

function missing(path: string, what: string): Failure {
  return new Failure('ERR_WEB_HOOK_PAYLOAD_MISSING', path, `is missing: expected ${what}.`)
}

function invalid(path: string, message: string): Failure {
  return new Failure('ERR_WEB_HOOK_PAYLOAD_INVALID', path, `${message}.`)
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A short description of a bad value, never its full content (it may be large or sensitive). */
function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string')
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (value === undefined) return 'undefined'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}
