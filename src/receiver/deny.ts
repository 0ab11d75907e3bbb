import { WebHookDeniedError } from '../errors/denied-error.js'

/**
 * Makes the error a pre handler throws to refuse a vetoed call: the receiver answers 403 with `{ "reason": reason }`,
 * and a sender whose hook has `veto: true` rejects the call with a `WebHookVetoError` carrying that reason.
 * Returning `{ allow: false, reason }` from the handler does the same.
 *
 * @example
 * receiver.onPre('vm.delete', ({ payload }) => {
 *   if (isProtected(payload.params.id)) throw deny('this VM is protected')
 * })
 */
export function deny(reason: string): WebHookDeniedError {
  return new WebHookDeniedError(typeof reason === 'string' && reason !== '' ? reason : 'denied')
}
