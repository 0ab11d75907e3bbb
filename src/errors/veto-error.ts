import { WebHookError } from './web-hook-error.js'

/** Codes of {@link WebHookVetoError}. */
export type WebHookVetoErrorCode = 'ERR_WEB_HOOK_VETOED' | 'ERR_WEB_HOOK_VETO_UNREACHABLE'

/** What a {@link WebHookVetoError} is built from. */
export interface WebHookVetoErrorOptions {
  code: WebHookVetoErrorCode
  /** The veto hook's URL, credentials removed. */
  url: string
  method: string
  status?: number | undefined
  reason?: string | undefined
  cause?: unknown
}

/**
 * A call refused by a veto hook (`veto: true`): the dispatcher was not called. `ERR_WEB_HOOK_VETOED` when the hook
 * answered with a refusal (4xx, or another non-2xx that is not a server error); `ERR_WEB_HOOK_VETO_UNREACHABLE` when
 * it could not be asked (network error, timeout, 5xx) and the hook is fail-closed (the default; `failOpen: true` lets
 * the call go ahead instead).
 *
 * @example
 * try {
 *   await call('vm.delete', { id })
 * } catch (error) {
 *   if (error instanceof WebHookVetoError) console.log(`refused by ${error.url}: ${error.reason}`)
 * }
 */
export class WebHookVetoError extends WebHookError {
  override name = 'WebHookVetoError' as const
  declare readonly code: WebHookVetoErrorCode
  /** The veto hook's URL, credentials removed. */
  readonly url: string
  /** The method that was refused. */
  readonly method: string
  /** The hook's HTTP status, when it answered. */
  readonly status: number | undefined
  /** The hook's reason: `reason` of a JSON body, else the body text (at most 1024 characters). */
  readonly reason: string | undefined

  constructor({ code, url, method, status, reason, cause }: WebHookVetoErrorOptions) {
    const why = reason === undefined || reason === '' ? '' : `: ${reason}`
    super(
      code,
      code === 'ERR_WEB_HOOK_VETOED'
        ? `The call to ${method} was refused by the veto hook ${url} (HTTP ${status})${why}`
        : `The call to ${method} was refused because the veto hook ${url} could not be reached` +
            `${status === undefined ? '' : ` (HTTP ${status})`}${why}. Fix the hook's endpoint, or set failOpen: true ` +
            'on the hook to let calls through when it is down.',
      { cause }
    )
    this.url = url
    this.method = method
    this.status = status
    this.reason = reason
  }
}
