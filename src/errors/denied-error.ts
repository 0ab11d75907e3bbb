import { WebHookError } from './web-hook-error.js'

/**
 * Thrown by a receiver's pre handler to refuse a vetoed call; made by `deny(reason)`. The receiver answers 403 with
 * `{ "reason": "…" }` and the sender rejects the call with a `WebHookVetoError` carrying that reason. Thrown anywhere
 * else (a post handler), it is answered 403 too, which a sender counts as a failed delivery.
 *
 * @example throw deny('vm is protected')
 */
export class WebHookDeniedError extends WebHookError {
  override name = 'WebHookDeniedError' as const
  declare readonly code: 'ERR_WEB_HOOK_DENIED'
  /** Why the call is refused; sent to the sender as `{ "reason": "…" }`. */
  readonly reason: string

  constructor(reason: string, options?: { cause?: unknown }) {
    super('ERR_WEB_HOOK_DENIED', `Denied by the web hook receiver: ${reason}`, options)
    this.reason = reason
  }
}
