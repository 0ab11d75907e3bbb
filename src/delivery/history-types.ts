/**
 * Public types of the delivery history (issue 15): what `webHooks.history()` returns, for the dashboard
 * (`rpc-web-hooks/dashboard`) and anyone building their own view.
 *
 * @packageDocumentation
 */

/**
 * What an attempt came to: `delivered` (2xx), `retry` (failed, another attempt is scheduled), `failed` (failed, given
 * up), `gone` (410: the endpoint is retired) or `vetoed` (a veto hook refused the call: the gate working).
 */
export type WebHookAttemptOutcome = 'delivered' | 'retry' | 'failed' | 'gone' | 'vetoed'

/** One attempt as the history keeps it: safe URL, error code and message, never a header, a secret or a response body. */
export interface WebHookAttemptRecord {
  /** When the attempt ended, ms since the epoch. */
  at: number
  /** The delivery id (`webhook-id`). */
  deliveryId: string
  callId: string
  /** The endpoint, without credentials (the key of `stats().endpoints`). */
  url: string
  /** The API method of the call. */
  method: string
  type: 'pre' | 'post'
  /** The attempt's number, from 1. */
  attempt: number
  outcome: WebHookAttemptOutcome
  /** The answer's status, when there was one. */
  status?: number
  /** ms. */
  duration: number
  /** The failure's stable code (`ERR_WEB_HOOK_DELIVERY_STATUS`…), when it failed. */
  errorCode?: string
  /** The failure's message (safe URL, no secret), when it failed. */
  error?: string
  /** The URL that answered, when a redirect was followed. */
  redirectedTo?: string
}

/** Counts over a rolling window. */
export interface WebHookWindowCounts {
  /** Deliveries that got a 2xx. */
  delivered: number
  /** Deliveries given up. */
  failed: number
  /** Deliveries dropped (overflow, close). */
  dropped: number
  /** Calls refused by a veto hook. */
  vetoed: number
  /** Attempts made (a retried delivery counts each). */
  attempts: number
  /** `delivered / (delivered + failed)`, from 0 to 1; `null` when neither happened. */
  successRate: number | null
}

/** Per-second figures for a chart, oldest first, one value per second ending at {@link WebHookHistory.at}. */
export interface WebHookSeries {
  /** The first second's start, ms since the epoch. */
  start: number
  /** Deliveries that got a 2xx, per second. */
  delivered: number[]
  /** Failed attempts (retried or given up), per second. */
  failed: number[]
  /** Mean duration of the second's attempts, ms; `null` when there was none. */
  latency: (number | null)[]
}

/** One endpoint's recent figures. */
export interface WebHookEndpointHistory {
  /** The last 5 minutes. */
  last5m: WebHookWindowCounts
  /** The last hour. */
  last1h: WebHookWindowCounts
  /** The last 5 minutes, per second. */
  series: WebHookSeries
  /** The endpoint's last failed attempt, while the endpoint had activity in the last hour. */
  lastError?: { at: number; code: string; message: string }
}

/** What to select from the history's attempts; every field narrows it. */
export interface WebHookHistoryQuery {
  /** Only this endpoint's attempts (its URL without credentials, as in `stats().endpoints`). */
  url?: string
  /** Only the attempts of calls to this API method. */
  method?: string
  outcome?: WebHookAttemptOutcome
  /** Only this delivery's attempts; its body is returned too while the history keeps it. */
  deliveryId?: string
  /**
   * At most this many attempts, newest first.
   * @default 100
   */
  limit?: number
}

/** What `webHooks.history()` returns. */
export interface WebHookHistory {
  /** `false` when the history is off (`history: false`): nothing is recorded. */
  enabled: boolean
  /** When it was read, ms since the epoch. */
  at: number
  /** How many attempts the history keeps (`history.size`). */
  size: number
  /** The selected attempts, newest first. */
  attempts: WebHookAttemptRecord[]
  /** Per endpoint (its URL without credentials), every endpoint that had activity in the last hour. */
  endpoints: Record<string, WebHookEndpointHistory>
  /**
   * With {@link WebHookHistoryQuery.deliveryId}: the body sent (already redacted), while the history keeps it (the
   * most recent bodies, about 1 MiB in all).
   */
  body?: string
}
