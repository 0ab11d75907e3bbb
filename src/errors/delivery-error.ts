import { WebHookError } from './web-hook-error.js'

/** Codes of {@link WebHookDeliveryError}. */
export type WebHookDeliveryErrorCode =
  | 'ERR_WEB_HOOK_DELIVERY_STATUS'
  | 'ERR_WEB_HOOK_DELIVERY_NETWORK'
  | 'ERR_WEB_HOOK_DELIVERY_TIMEOUT'
  | 'ERR_WEB_HOOK_DELIVERY_GONE'
  | 'ERR_WEB_HOOK_DELIVERY_PAUSED'
  | 'ERR_WEB_HOOK_DELIVERY_DROPPED'
  | 'ERR_WEB_HOOK_DELIVERY_CLOSED'

/** Details of a {@link WebHookDeliveryError}. */
export interface WebHookDeliveryErrorOptions {
  /** The hook's URL, credentials removed. */
  url: string
  /** HTTP status of the answer, when there was one. */
  status?: number | undefined
  /** Status text of the answer, when there was one. */
  statusText?: string | undefined
  /** The answer's body, truncated (at most a few KiB). */
  body?: string | undefined
  /** The underlying error (network, abort…). */
  cause?: unknown
}

const HINTS: Record<WebHookDeliveryErrorCode, string> = {
  ERR_WEB_HOOK_DELIVERY_STATUS: 'the receiver must answer 2xx; check its logs',
  ERR_WEB_HOOK_DELIVERY_NETWORK: 'check that the receiver is up and reachable from this host (DNS, firewall, proxy)',
  ERR_WEB_HOOK_DELIVERY_TIMEOUT:
    'make the receiver answer faster (queue the work, answer 2xx at once) or raise `timeout`',
  ERR_WEB_HOOK_DELIVERY_GONE: 'nothing more is sent to this URL until the hooks are configured again',
  ERR_WEB_HOOK_DELIVERY_PAUSED:
    'the endpoint failed repeatedly and its circuit breaker is open; it is probed again later',
  ERR_WEB_HOOK_DELIVERY_DROPPED:
    'the queue was full; raise `queue.maxSize` / `queue.maxSizePerEndpoint` or fix the receiver',
  ERR_WEB_HOOK_DELIVERY_CLOSED: 'the web hooks were closed; keep the deliveries returned by `close()` if they matter',
}

function describe(code: WebHookDeliveryErrorCode, options: WebHookDeliveryErrorOptions): string {
  const what =
    code === 'ERR_WEB_HOOK_DELIVERY_STATUS' || code === 'ERR_WEB_HOOK_DELIVERY_GONE'
      ? `answered ${options.status}${options.statusText ? ` ${options.statusText}` : ''}`
      : code === 'ERR_WEB_HOOK_DELIVERY_NETWORK'
        ? `could not be reached (${(options.cause as Error | undefined)?.message ?? 'network error'})`
        : code === 'ERR_WEB_HOOK_DELIVERY_TIMEOUT'
          ? 'did not answer in time'
          : code === 'ERR_WEB_HOOK_DELIVERY_PAUSED'
            ? 'is paused'
            : code === 'ERR_WEB_HOOK_DELIVERY_DROPPED'
              ? 'was not sent: the delivery was dropped'
              : 'was not sent: closed'
  return `Web hook ${options.url} ${what}: ${HINTS[code]}.`
}

/**
 * A web hook delivery failed: the receiver answered non-2xx (`status`, `body`), could not be reached, timed out,
 * answered 410 Gone, is paused by its circuit breaker, or the delivery was dropped or not sent before `close()`.
 * Given to `onError`, in `delivery:failed` / `delivery:given-up` events and in `deliver` outcomes. Its message holds
 * the URL without credentials, never a secret or a header value.
 */
export class WebHookDeliveryError extends WebHookError {
  override name = 'WebHookDeliveryError' as const
  declare readonly code: WebHookDeliveryErrorCode
  /** The hook's URL, credentials removed. */
  readonly url: string
  /** HTTP status of the answer, when there was one. */
  readonly status: number | undefined
  /** The answer's body, truncated, when there was one. */
  readonly body: string | undefined

  constructor(code: WebHookDeliveryErrorCode, options: WebHookDeliveryErrorOptions) {
    super(code, describe(code, options), { cause: options.cause })
    this.url = options.url
    this.status = options.status
    this.body = options.body
  }
}
