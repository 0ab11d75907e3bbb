import { WebHookError } from './web-hook-error.js'

/**
 * The `user` option threw, its promise rejected, or it did not settle in time (the longest timeout of the method's
 * hooks). Reported to `onError` and the logger; the call itself goes on, and its payloads say
 * `userName: "(unknown user)"`, as XO's. The `cause` is what `user` threw.
 */
export class WebHookUserError extends WebHookError {
  override name = 'WebHookUserError' as const
  declare readonly code: 'ERR_WEB_HOOK_USER'
  /** The method of the call. */
  readonly method: string

  constructor(method: string, cause: unknown) {
    super(
      'ERR_WEB_HOOK_USER',
      `The user option failed for a call to ${method}: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        'The call went on and its hooks were sent with userName "(unknown user)"; fix the user function.',
      { cause }
    )
    this.method = method
  }
}
