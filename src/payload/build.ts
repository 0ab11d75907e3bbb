/**
 * Builds a payload object (Xen Orchestra's JSON payload) from call data, once per event: redacted, JSON-safe, with
 * absent fields absent. The same object is then encoded for every hook of the event.
 */
import type { ResolvedConfig } from '../config/normalized.js'
import type { WebHookCallData, WebHookPostCallData } from './call-data.js'
import { toJsonSafe } from './safe-json.js'
import { serializeError } from './serialize-error.js'

/** A payload, JSON-safe: what `encode` renders. */
export type PayloadObject = Record<string, unknown>

type Options = Pick<ResolvedConfig, 'redact' | 'includeErrorStack'>

function setIfDefined(target: PayloadObject, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value
}

/** User fields are strings on the wire (a numeric id from a JavaScript `user` option becomes its decimal string). */
function asString(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : typeof value === 'string' ? value : String(value)
}

function base(type: 'pre' | 'post', data: WebHookCallData, options: Options): PayloadObject {
  const payload: PayloadObject = { type, callId: data.callId }
  setIfDefined(payload, 'userId', asString(data.userId))
  setIfDefined(payload, 'userName', asString(data.userName))
  setIfDefined(payload, 'userIp', asString(data.userIp))
  payload.method = data.method
  // XO's dispatcher defaults params to `{}`; receivers (and the payload types) expect the field.
  payload.params = data.params === undefined ? {} : toJsonSafe(data.params, options.redact)
  payload.timestamp = data.timestamp
  return payload
}

/**
 * Whether post data reports a failure: a defined `error`, or an `error` key without a `result` key (a thrown
 * `undefined`). XO's `xo:postCall` data has either `result` or `error`.
 */
export function isFailure(data: WebHookPostCallData): boolean {
  return data.error !== undefined || ('error' in data && !('result' in data))
}

export function buildPrePayload(data: WebHookCallData, options: Options): PayloadObject {
  return base('pre', data, options)
}

export function buildPostPayload(data: WebHookPostCallData, options: Options): PayloadObject {
  const payload = base('post', data, options)
  payload.duration = data.duration
  if (isFailure(data)) {
    const redact = options.redact?.error ? options.redact : undefined
    payload.error = toJsonSafe(serializeError(data.error, options.includeErrorStack), redact)
  } else {
    const redact = options.redact?.result ? options.redact : undefined
    payload.result = data.result === undefined ? true : toJsonSafe(data.result, redact)
  }
  return payload
}
