/**
 * The `user` option of a wrapped call: who made it, for the payloads. A failed or late `user()` never breaks the call:
 * it is reported (logger, `onError`) and the payloads say `(unknown user)`, as Xen Orchestra's for an unknown user.
 */
import type { CurrentConfig } from '../config/current.js'
import type { WebHookUser } from '../config/types.js'
import { WebHookUserError } from '../errors/user-error.js'

/** What a call's payloads say when `user()` failed: XO's name for an unknown user. */
const UNKNOWN_USER: WebHookUser = { name: '(unknown user)' }

/** How long an asynchronous `user()` may take when no hook of the method says (the default timeout), ms. */
export const DEFAULT_USER_WAIT = 10_000

export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function'
}

/** A failed `user()` is reported; the call's payloads say `(unknown user)`. */
function userFailed(current: CurrentConfig, method: string, callId: string, cause: unknown): WebHookUser {
  const error = new WebHookUserError(method, cause)
  current.logger.error('web hook user() failed', { method, error })
  current.onError({ error, url: '', method, type: 'pre', callId, deliveryId: '' })
  return UNKNOWN_USER
}

/** The user of a call: at once when `user()` returns it, else its promise (never rejecting: failures reported). */
export function startUser(
  current: CurrentConfig,
  method: string,
  params: unknown,
  context: unknown,
  callId: string
): WebHookUser | undefined | PromiseLike<WebHookUser | undefined> {
  const { user } = current.resolved
  if (user === undefined) return undefined
  let value: ReturnType<typeof user>
  try {
    value = user(context, method, params)
  } catch (cause) {
    return userFailed(current, method, callId, cause)
  }
  return isThenable(value) ? value : (value ?? undefined)
}

/** Waits for an asynchronous `user()` at most `ms`: past that, or on a rejection, it is reported as failed. */
export function boundedUser(
  current: CurrentConfig,
  promise: PromiseLike<WebHookUser | undefined>,
  ms: number,
  method: string,
  callId: string
): Promise<WebHookUser | undefined> {
  return new Promise(resolve => {
    let settled = false
    const settle = (user: WebHookUser | undefined) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(user)
    }
    const timer = setTimeout(
      () => settle(userFailed(current, method, callId, new Error(`its promise did not settle within ${ms} ms`))),
      ms
    )
    Promise.resolve(promise).then(
      user => settle(user ?? undefined),
      cause => {
        if (!settled) settle(userFailed(current, method, callId, cause))
      }
    )
  })
}
