/**
 * What a failed exchange was, decided once for every transport (issue 11): refused by the safe-URL guard, a timeout,
 * or a network failure (refused, reset, DNS, TLS, aborted). The built-in transports throw what
 * {@link transportError} makes, so their failures arrive classified; the attempt (`attempt.ts`) reads the class with
 * {@link classifyFailure}, which also classifies what a transport of the user's own throws (a `TimeoutError` from
 * `AbortSignal.timeout`, an undici timeout code) by the same rules.
 */
import { WebHookDeliveryError } from '../../errors/delivery-error.js'
import type { WebHookUnsafeUrlError } from '../../errors/unsafe-url-error.js'
import { isWebHookError } from '../../errors/web-hook-error.js'
import type { WebHookDeliveryFailure } from '../../contracts/delivery.js'

/** A failed exchange, classified: the refusal itself, or a timeout / network failure and its underlying error. */
export type TransportFailure =
  | { kind: 'refused'; error: WebHookUnsafeUrlError }
  | { kind: 'timeout' | 'network'; cause: unknown }

/** The safe-URL refusal in `error`'s cause chain (a connect-time lookup's refusal arrives wrapped by undici). */
function refusalIn(error: unknown): WebHookUnsafeUrlError | undefined {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    if (isWebHookError(cause) && cause.code === 'ERR_WEB_HOOK_UNSAFE_URL') return cause as WebHookUnsafeUrlError
  }
  return undefined
}

/** Every form a timeout takes: ours, fetch's and ky's (`TimeoutError`), undici's three timers. */
function isTimeout(error: unknown): boolean {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown }
  return (
    code === 'ERR_WEB_HOOK_DELIVERY_TIMEOUT' ||
    name === 'TimeoutError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  )
}

/**
 * Classifies what a transport (or the request around it) threw. `timedOut` is a transport's own word that its timer
 * fired (the abort it caused looks like any other). Already classified errors keep their class and cause.
 */
export function classifyFailure(thrown: unknown, timedOut = false): TransportFailure {
  const refused = refusalIn(thrown)
  if (refused !== undefined) return { kind: 'refused', error: refused }
  const cause = thrown instanceof WebHookDeliveryError && thrown.cause !== undefined ? thrown.cause : thrown
  return { kind: timedOut || isTimeout(thrown) ? 'timeout' : 'network', cause }
}

/** The error a transport throws for a failed exchange to `url`: classified, the underlying error as its `cause`. */
export function transportError(thrown: unknown, url: string, timedOut = false): WebHookDeliveryFailure {
  const failure = classifyFailure(thrown, timedOut)
  if (failure.kind === 'refused') return failure.error
  const code = failure.kind === 'timeout' ? 'ERR_WEB_HOOK_DELIVERY_TIMEOUT' : 'ERR_WEB_HOOK_DELIVERY_NETWORK'
  return new WebHookDeliveryError(code, { url, cause: failure.cause })
}
