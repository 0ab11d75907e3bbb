/**
 * Builds a payload object (Xen Orchestra's JSON payload) from call data, once per event. First raw (params, result and
 * error as the call gave them, keys in XO's order), which the common JSON case encodes at once (fast-json.ts); then,
 * only when needed, safe: redacted and JSON-safe, absent fields absent, encoded for every other case.
 */
import type { ResolvedConfig } from '../config/normalized.js'
import type { WebHookCallData, WebHookPostCallData } from './call-data.js'
import { toJsonSafe, type UnserializableSink } from './safe-json.js'
import { serializeError } from './serialize-error.js'

/** A payload, JSON-safe: what `encode` renders. */
export type PayloadObject = Record<string, unknown>

type Options = Pick<ResolvedConfig, 'redact' | 'includeErrorStack'>

function setIfDefined(target: PayloadObject, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value
}

/**
 * User fields are strings on the wire: a numeric id from a JavaScript `user` option becomes its decimal string; an
 * object, a function or a Symbol is left out rather than sent as `"[object Object]"`.
 */
function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  return typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean'
    ? String(value)
    : undefined
}

/**
 * Whether post data reports a failure: a defined `error`, or an `error` key without a `result` key (a thrown
 * `undefined`). XO's `xo:postCall` data has either `result` or `error`.
 */
export function isFailure(data: WebHookPostCallData): boolean {
  return data.error !== undefined || ('error' in data && !('result' in data))
}

/**
 * The fields pre and post payloads share: a literal, in XO's key order. User fields may be `undefined` (JSON leaves
 * them out; the safe payload drops them). XO's dispatcher defaults params to `{}`; receivers (and the payload types)
 * expect the field.
 */
function rawPayload(type: 'pre' | 'post', data: WebHookCallData): PayloadObject {
  return {
    type,
    callId: data.callId,
    userId: asString(data.userId),
    userName: asString(data.userName),
    userIp: asString(data.userIp),
    method: data.method,
    params: data.params === undefined ? {} : data.params,
    timestamp: data.timestamp,
  }
}

/** The raw pre payload. */
export function buildRawPrePayload(data: WebHookCallData): PayloadObject {
  return rawPayload('pre', data)
}

/** The raw post payload: the shared fields, `duration`, then `result` (`undefined` → `true`) or the `error`. */
export function buildRawPostPayload(data: WebHookPostCallData, includeErrorStack: boolean): PayloadObject {
  const payload = rawPayload('post', data)
  payload.duration = data.duration
  if (isFailure(data)) payload.error = serializeError(data.error, includeErrorStack)
  else payload.result = data.result === undefined ? true : data.result
  return payload
}

/** A payload field that could not be represented as it was: its name and why (for `onError`). */
export interface Unserializable {
  field: 'params' | 'result' | 'error'
  reason: string
}

/**
 * A top-level field made JSON-safe. A function or a Symbol, which JSON leaves out (the receiver would then miss a
 * required field and answer 400), becomes the marker `"[Unserializable: a function]"`; an error that is not an object
 * once made safe (its `toJSON` threw) becomes `{ message: <marker> }`, so that it still reads as an error.
 */
function safeField(
  raw: PayloadObject,
  field: Unserializable['field'],
  redact: ResolvedConfig['redact'],
  problems: Unserializable[] | undefined
): unknown {
  const value = raw[field]
  if (typeof value === 'function' || typeof value === 'symbol') {
    const reason = `a ${typeof value}, which JSON cannot hold`
    problems?.push({ field, reason })
    return `[Unserializable: ${reason}]`
  }
  const sink: UnserializableSink = []
  const safe = toJsonSafe(value, redact, sink)
  if (sink.length > 0) problems?.push({ field, reason: sink[0]! })
  if (field !== 'error' || (typeof safe === 'object' && safe !== null && !Array.isArray(safe))) return safe
  return { message: typeof safe === 'string' ? safe : '[Unserializable: the error]' }
}

/**
 * The safe payload of a raw one: `params` redacted and made JSON-safe (`result` and `error` redacted only when
 * `redact.result` / `redact.error` say so), absent user fields absent. What could not be represented is pushed to
 * `problems`.
 */
export function toSafePayload(raw: PayloadObject, options: Options, problems?: Unserializable[]): PayloadObject {
  const { redact } = options
  const payload: PayloadObject = { type: raw.type, callId: raw.callId }
  setIfDefined(payload, 'userId', raw.userId)
  setIfDefined(payload, 'userName', raw.userName)
  setIfDefined(payload, 'userIp', raw.userIp)
  payload.method = raw.method
  payload.params = safeField(raw, 'params', redact, problems)
  payload.timestamp = raw.timestamp
  if (raw.type === 'post') {
    payload.duration = raw.duration
    if ('error' in raw) payload.error = safeField(raw, 'error', redact?.error ? redact : undefined, problems)
    else payload.result = safeField(raw, 'result', redact?.result ? redact : undefined, problems)
  }
  // Fields already replaced by the size cap before encoding (precap.ts).
  setIfDefined(payload, 'truncated', raw.truncated)
  return payload
}

export function buildPrePayload(data: WebHookCallData, options: Options): PayloadObject {
  return toSafePayload(buildRawPrePayload(data), options)
}

export function buildPostPayload(data: WebHookPostCallData, options: Options): PayloadObject {
  return toSafePayload(buildRawPostPayload(data, options.includeErrorStack), options)
}
