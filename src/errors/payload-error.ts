import { WebHookError } from './web-hook-error.js'

/** Codes of {@link WebHookPayloadError}, one per kind of problem. Listed with their fixes in docs/errors.md. */
export type WebHookPayloadErrorCode =
  /** The body is not JSON (only checked by an unsigned receiver; a signed one reports `ERR_WEB_HOOK_VERIFY_NOT_JSON`). */
  | 'ERR_WEB_HOOK_PAYLOAD_NOT_JSON'
  /** The payload (or a nested field that must be an object) is not a plain object. */
  | 'ERR_WEB_HOOK_PAYLOAD_NOT_OBJECT'
  /** A required field is absent. */
  | 'ERR_WEB_HOOK_PAYLOAD_MISSING'
  /** A field has the wrong type or an impossible value. */
  | 'ERR_WEB_HOOK_PAYLOAD_INVALID'
  /** An Office 365 MessageCard was received: it carries no typed payload. */
  | 'ERR_WEB_HOOK_PAYLOAD_FORMAT'
  /**
   * Sender side, given to `onError` (the hook is still sent): a value JSON cannot hold (a function or Symbol as the
   * result, a `toJSON` or getter that throws) was sent as the `"[Unserializable: …]"` marker.
   */
  | 'ERR_WEB_HOOK_PAYLOAD_UNSERIALIZABLE'

/**
 * Thrown by `parseWebHookPayload` (and answered 400 by a receiver) when a value is not a pre or post payload. `path`
 * names the bad field (`params`, `duration`, `error.message`; `''` for the payload itself). On the sender side, given
 * to `onError` with `ERR_WEB_HOOK_PAYLOAD_UNSERIALIZABLE` when a field was sent as an `"[Unserializable: …]"` marker.
 *
 * @example
 * try {
 *   parseWebHookPayload(JSON.parse(body))
 * } catch (error) {
 *   if (error instanceof WebHookPayloadError) console.error(error.code, error.path)
 * }
 */
export class WebHookPayloadError extends WebHookError {
  override name = 'WebHookPayloadError' as const
  declare readonly code: WebHookPayloadErrorCode
  /** Path of the bad field, e.g. `duration`; `''` for the payload itself. */
  readonly path: string

  constructor(code: WebHookPayloadErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(code, path === '' ? message : `${path}: ${message}`, options)
    this.path = path
  }
}
