import { WebHookError } from './web-hook-error.js'

/** Codes of {@link WebHookDashboardError}: why the dashboard refused a request (each with its HTTP status). */
export type WebHookDashboardErrorCode =
  /** `authorize` said no (403). */
  | 'ERR_WEB_HOOK_DASHBOARD_FORBIDDEN'
  /** No such route under the dashboard's base path (404), or no such delivery. */
  | 'ERR_WEB_HOOK_DASHBOARD_NOT_FOUND'
  /** The route exists but not for this method (405, with `Allow`). */
  | 'ERR_WEB_HOOK_DASHBOARD_METHOD'
  /** A malformed id, query parameter or body (400). */
  | 'ERR_WEB_HOOK_DASHBOARD_BAD_REQUEST'
  /** An action's body is larger than 16 KiB (413). */
  | 'ERR_WEB_HOOK_DASHBOARD_TOO_LARGE'
  /** An action's body did not arrive within 5 s (408; node:http, the connection is closed). */
  | 'ERR_WEB_HOOK_DASHBOARD_TIMEOUT'
  /** An action without the page's CSRF token, or with a wrong one (403). */
  | 'ERR_WEB_HOOK_DASHBOARD_CSRF'
  /** An action sent from another site (`Origin` / `Sec-Fetch-Site`, 403). */
  | 'ERR_WEB_HOOK_DASHBOARD_CROSS_ORIGIN'
  /** An action on a `readOnly` dashboard (403). */
  | 'ERR_WEB_HOOK_DASHBOARD_READ_ONLY'
  /** Too many live streams open at once (503). */
  | 'ERR_WEB_HOOK_DASHBOARD_BUSY'
  /** The page's assets are missing from the package (500). */
  | 'ERR_WEB_HOOK_DASHBOARD_ASSETS'

/**
 * Why the dashboard (`rpc-web-hooks/dashboard`) refused a request; sent as `{ "error": code, "message": … }` with
 * `status` as the HTTP status.
 */
export class WebHookDashboardError extends WebHookError {
  override name = 'WebHookDashboardError' as const
  declare readonly code: WebHookDashboardErrorCode
  /** The HTTP status answered. */
  readonly status: number
  /** With `ERR_WEB_HOOK_DASHBOARD_METHOD`: the methods the route takes (the `Allow` header). */
  readonly allow: string | undefined

  constructor(
    code: WebHookDashboardErrorCode,
    status: number,
    message: string,
    options?: { cause?: unknown; allow?: string }
  ) {
    super(code, message, options)
    this.status = status
    this.allow = options?.allow
  }
}
