/**
 * The payloads sent by rpc-web-hooks, as Xen Orchestra's web-hooks plugin sends them. Receivers import these types
 * (from `rpc-web-hooks` or `rpc-web-hooks/receiver`) to handle hooks with full typing.
 *
 * @packageDocumentation
 */

/** What one method takes and returns; used to type payloads by method. */
export interface WebHookMethodSpec {
  params?: unknown
  result?: unknown
}

/**
 * A map from method name to its params and result types, e.g.
 * `{ 'vm.start': { params: { id: string }; result: boolean } }`.
 */
export type WebHookMethodMap<Api = { [method: string]: WebHookMethodSpec }> = { [M in keyof Api]: WebHookMethodSpec }

/** The method map used when none is given: any method, unknown params and result. */
export type AnyWebHookMethods = { [method: string]: { params: unknown; result: unknown } }

/** The params type of a method spec. */
export type WebHookParamsOf<Spec> = Spec extends { params: infer P } ? P : unknown

/**
 * The result type of a method spec, as it travels: a method that returns `undefined` is reported with `result: true`
 * (Xen Orchestra's rule).
 */
export type WebHookResultOf<Spec> = Spec extends { result: infer R }
  ? [R] extends [void]
    ? true
    : undefined extends R
      ? Exclude<R, undefined> | true
      : R
  : unknown

/**
 * An error as it travels in a post payload: its own enumerable properties plus `name`, `message`, `code` and `data`
 * (and `stack` when the sender was configured to include it).
 */
export interface SerializedError {
  name?: string
  message?: string
  code?: string | number
  data?: unknown
  stack?: string
  [key: string]: unknown
}

/** Fields shared by pre and post payloads. */
export interface WebHookPayloadBase<Method extends string = string, Params = unknown> {
  /** Random id shared by the pre and the post payload of one call. */
  callId: string
  /** Internal id of the user who made the call; absent when nobody is signed in. */
  userId?: string
  /** Login or e-mail of the user who made the call. */
  userName?: string
  /** IP address of the caller; absent on internal calls. */
  userIp?: string
  /** The method called, e.g. `vm.start`. */
  method: Method
  /** The call's parameters, with secrets obfuscated. */
  params: Params
  /** Milliseconds since the epoch: the start of the call (pre) or its end (post). */
  timestamp: number
  /**
   * Present only when the body was over the sender's `maxPayloadBytes`: the names of the fields (`params`, `result`,
   * `error`…) whose value was replaced by a marker string `"[truncated: <field> was <n> bytes, over maxPayloadBytes
   * <max>]"`. Such a field does not have its declared type.
   */
  truncated?: string[]
}

type Methods<Api> = keyof Api & string

/** Sent before the call. */
export type WebHookPrePayload<Api extends WebHookMethodMap<Api> = AnyWebHookMethods> = {
  [M in Methods<Api>]: WebHookPayloadBase<M, WebHookParamsOf<Api[M]>> & { type: 'pre' }
}[Methods<Api>]

/** Sent after a call that succeeded. */
export type WebHookPostResultPayload<Api extends WebHookMethodMap<Api> = AnyWebHookMethods> = {
  [M in Methods<Api>]: WebHookPayloadBase<M, WebHookParamsOf<Api[M]>> & {
    type: 'post'
    /** End minus start of the call, in milliseconds. */
    duration: number
    /** The method's return value; `true` when it returned nothing. */
    result: WebHookResultOf<Api[M]>
    error?: never
  }
}[Methods<Api>]

/** Sent after a call that failed (or was vetoed). */
export type WebHookPostErrorPayload<Api extends WebHookMethodMap<Api> = AnyWebHookMethods> = {
  [M in Methods<Api>]: WebHookPayloadBase<M, WebHookParamsOf<Api[M]>> & {
    type: 'post'
    /** End minus start of the call, in milliseconds. */
    duration: number
    /** The error the call failed with, serialised. */
    error: SerializedError
    result?: never
  }
}[Methods<Api>]

/** Sent after the call: with `result` on success or `error` on failure. */
export type WebHookPostPayload<Api extends WebHookMethodMap<Api> = AnyWebHookMethods> =
  | WebHookPostResultPayload<Api>
  | WebHookPostErrorPayload<Api>

/** Any payload, discriminated on `type` (and a post on `result` vs `error`), narrowed by `method`. */
export type WebHookPayload<Api extends WebHookMethodMap<Api> = AnyWebHookMethods> =
  | WebHookPrePayload<Api>
  | WebHookPostPayload<Api>

/** The Microsoft Teams MessageCard sent by hooks whose `format` is `office365`. */
export interface WebHookOffice365Card {
  '@type': 'MessageCard'
  '@context': 'https://schema.org/extensions'
  themeColor: string
  summary: string
  /**
   * One section, titled `XO PRE notification` or `XO POST notification`, with one fact per payload field, in the
   * order of the call data; a field given as `undefined` (`userIp` on an internal call) is a fact with no `value`.
   */
  sections: Array<{
    title: string
    facts: Array<{ name: string; value?: string }>
  }>
}
