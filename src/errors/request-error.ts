import { WebHookError } from './web-hook-error.js'

/** Codes of {@link WebHookRequestError}: what a receiver refused before looking at the payload. */
export type WebHookRequestErrorCode =
  /** Not a `POST` (answered 405). */
  | 'ERR_WEB_HOOK_REQUEST_METHOD'
  /** The `content-type` is not `application/json` (answered 415). */
  | 'ERR_WEB_HOOK_REQUEST_CONTENT_TYPE'
  /** The body is larger than the receiver's `maxBodyBytes` (answered 413). */
  | 'ERR_WEB_HOOK_REQUEST_TOO_LARGE'
  /** The body did not arrive within the receiver's `bodyTimeout` (answered 408, the connection closed). */
  | 'ERR_WEB_HOOK_REQUEST_TIMEOUT'
  /** The body was already parsed into an object by a body parser, so its raw bytes cannot be verified (answered 500). */
  | 'ERR_WEB_HOOK_REQUEST_PARSED_BODY'

/**
 * Why a receiver refused a request before reading its payload; given to the receiver's `onError` and sent in the
 * response body as `{ "error": code, "message": … }`. `status` is the HTTP status answered.
 */
export class WebHookRequestError extends WebHookError {
  override name = 'WebHookRequestError' as const
  declare readonly code: WebHookRequestErrorCode
  /** The HTTP status answered: 405, 408, 413, 415 or 500. */
  readonly status: number

  constructor(code: WebHookRequestErrorCode, status: number, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
    this.status = status
  }
}
