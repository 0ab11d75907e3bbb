import { WebHookError } from './web-hook-error.js'

/**
 * Codes of {@link WebHookVerificationError}, one per cause, so a receiver can answer (and log) precisely. Listed with
 * their fixes in docs/errors.md.
 */
export type WebHookVerificationErrorCode =
  /** The receiver's own secret is not `whsec_` + base64 of 24 to 64 bytes (a receiver configuration bug). */
  | 'ERR_WEB_HOOK_VERIFY_SECRET'
  /** The body given to `verifyWebHook` is not the raw body (a string, Buffer or Uint8Array). */
  | 'ERR_WEB_HOOK_VERIFY_BODY_TYPE'
  /** The body is empty. */
  | 'ERR_WEB_HOOK_VERIFY_EMPTY_BODY'
  /** One or more of `webhook-id`, `webhook-timestamp`, `webhook-signature` is absent. */
  | 'ERR_WEB_HOOK_VERIFY_MISSING_HEADER'
  /** `webhook-id` is sent more than once or contains a `.`. */
  | 'ERR_WEB_HOOK_VERIFY_MALFORMED_ID'
  /** `webhook-timestamp` is not an integer number of seconds (or is sent more than once). */
  | 'ERR_WEB_HOOK_VERIFY_MALFORMED_TIMESTAMP'
  /** `webhook-timestamp` is older than the tolerance. */
  | 'ERR_WEB_HOOK_VERIFY_TIMESTAMP_TOO_OLD'
  /** `webhook-timestamp` is further in the future than the tolerance. */
  | 'ERR_WEB_HOOK_VERIFY_TIMESTAMP_IN_FUTURE'
  /** `webhook-signature` is not a space-separated list of `version,base64` (truncated, duplicated, garbage). */
  | 'ERR_WEB_HOOK_VERIFY_MALFORMED_SIGNATURE'
  /** No `v1` signature of the header matches the body with any of the secrets. */
  | 'ERR_WEB_HOOK_VERIFY_SIGNATURE_MISMATCH'
  /** The signature matched but the body is not JSON. */
  | 'ERR_WEB_HOOK_VERIFY_NOT_JSON'

/**
 * Thrown by `verifyWebHook` when a request cannot be trusted (or the receiver is misconfigured). Branch on `code`;
 * answer 400 or 401 to the sender. The message says what was wrong and how to fix it and never contains a secret.
 *
 * @example
 * try {
 *   payload = verifyWebHook(body, req.headers, secret)
 * } catch (error) {
 *   if (error instanceof WebHookVerificationError) return res.writeHead(401).end(error.code)
 *   throw error
 * }
 */
export class WebHookVerificationError extends WebHookError {
  override name = 'WebHookVerificationError' as const
  declare readonly code: WebHookVerificationErrorCode

  constructor(code: WebHookVerificationErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}
