import { WebHookError } from './web-hook-error.js'

/** Codes of {@link WebHookConfigError}. */
export type WebHookConfigErrorCode =
  | 'ERR_WEB_HOOK_CONFIG'
  | 'ERR_WEB_HOOK_CONFIG_TYPE'
  | 'ERR_WEB_HOOK_CONFIG_MISSING'
  | 'ERR_WEB_HOOK_CONFIG_VALUE'
  | 'ERR_WEB_HOOK_CONFIG_URL'
  | 'ERR_WEB_HOOK_CONFIG_SECRET'
  | 'ERR_WEB_HOOK_CONFIG_HEADER'
  | 'ERR_WEB_HOOK_CONFIG_UNKNOWN_KEY'

/**
 * Thrown by `withWebHooks` and `configure` when the configuration is invalid. `path` names the bad field, as in
 * `hooks[2].url`. When `configure` throws it, the previous hooks stay in force.
 */
export class WebHookConfigError extends WebHookError {
  override name = 'WebHookConfigError' as const
  declare readonly code: WebHookConfigErrorCode
  /** Path of the bad field, e.g. `hooks[2].url`; `''` for the configuration itself. */
  readonly path: string

  constructor(code: WebHookConfigErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(code, path === '' ? message : `${path}: ${message}`, options)
    this.path = path
  }
}
