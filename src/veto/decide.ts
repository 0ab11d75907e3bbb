/**
 * What a veto hook's answer means (issue 5, XO issue #5205): 2xx lets the call go ahead; any other answer below 500 is
 * a refusal (`ERR_WEB_HOOK_VETOED`); no answer (network error, timeout) or a 5xx means the gate could not decide
 * (`ERR_WEB_HOOK_VETO_UNREACHABLE`): denied unless the hook is `failOpen`.
 */
import type { ResolvedHook } from '../config/normalized.js'
import type { WebHookDeliveryOutcome } from '../contracts/delivery.js'
import { WebHookVetoError } from '../errors/veto-error.js'
import { isVetoRefusal, parseVetoReason } from './refusal.js'

/** The error that stops the call, or `undefined` when the call may go ahead. */
export function decideVeto(
  hook: ResolvedHook,
  method: string,
  outcome: WebHookDeliveryOutcome
): WebHookVetoError | undefined {
  if (outcome.ok) return undefined
  const { status } = outcome
  const reason = status === undefined ? undefined : parseVetoReason(outcome.body)
  const common = { url: hook.displayUrl, method, status, reason, cause: outcome.error }
  if (isVetoRefusal(status)) return new WebHookVetoError({ code: 'ERR_WEB_HOOK_VETOED', ...common })
  return hook.failOpen ? undefined : new WebHookVetoError({ code: 'ERR_WEB_HOOK_VETO_UNREACHABLE', ...common })
}
