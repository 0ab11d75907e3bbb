/**
 * What a host hands to `createWebHooks`' `pre` and `post`: Xen Orchestra's event data (the payload without `type`),
 * with raw `params`, `result` and `error` (redaction and serialisation happen inside).
 *
 * @packageDocumentation
 */

/** A call, as `hooks.pre(data)` takes it (XO's `xo:preCall` data). */
export interface WebHookCallData {
  /** Shared by the pre and post of one call. */
  callId: string
  userId?: string | undefined
  userName?: string | undefined
  userIp?: string | undefined
  method: string
  /** The raw params; obfuscated and made JSON-safe before sending. */
  params?: unknown
  /** ms since the epoch: the start of the call. */
  timestamp: number
}

/**
 * A completed call, as `hooks.post(data)` takes it (XO's `xo:postCall` data). It failed when it has an `error` key
 * (even `error: undefined`, for a thrown `undefined`) and no `result` key; otherwise it succeeded.
 */
export interface WebHookPostCallData extends WebHookCallData {
  /** ms since the epoch: the end of the call. */
  timestamp: number
  /** End minus start, in ms. */
  duration: number
  /** The raw result; `undefined` is sent as `true` (XO's rule). */
  result?: unknown
  /** The raw error (an Error, any thrown value, or an already serialised error). */
  error?: unknown
}
