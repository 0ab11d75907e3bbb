/**
 * Public types of the delivery engine: transports, stores, events and stats.
 *
 * @packageDocumentation
 */

import type { WebHookDeliveryError } from '../errors/delivery-error.js'
import type { WebHookUnsafeUrlError } from '../errors/unsafe-url-error.js'
import type { WebHookDeliveryEventBase, WebHookDeliveryInfo } from './record.js'

export type { WebHookDeliveryEventBase, WebHookDeliveryInfo } from './record.js'

/**
 * Why a delivery failed, in events, outcomes and `onError`: a `WebHookDeliveryError` (status, network, timeout, gone,
 * paused, dropped, closed) or a `WebHookUnsafeUrlError` (refused by `safeUrls`). Narrow on `code`.
 *
 * @example webHooks.on('delivery:given-up', ({ error }) => error.code === 'ERR_WEB_HOOK_UNSAFE_URL' && alert(error.host))
 */
export type WebHookDeliveryFailure = WebHookDeliveryError | WebHookUnsafeUrlError

/** One HTTP request, as handed to a transport. */
export interface WebHookTransportRequest {
  /** Absolute http(s) URL. */
  url: string
  /**
   * `POST`; `GET` only on a redirect a hook follows (`redirects`) from a 301, 302 or 303, as fetch does, with an
   * empty `body` that must not be sent. Transports must not follow redirects themselves: the engine does.
   */
  method: 'POST' | 'GET'
  /** Lower-case header names. */
  headers: Record<string, string>
  /** The exact bytes signed and sent (`''` for a `GET`). */
  body: string
  /** Timeout for the whole exchange (headers and body), in ms. */
  timeout: number
  /** Aborted when the engine gives up on the request (close, deadline). */
  signal?: AbortSignal
}

/** What a transport returns for a completed exchange (any status). Network failures are thrown instead. */
export interface WebHookTransportResponse {
  status: number
  statusText?: string
  /** Lower-case header names. */
  headers: Record<string, string | undefined>
  /** The response body as text, possibly truncated (the engine keeps at most a few KiB). */
  body: string
}

/**
 * Sends one request. Must not follow redirects. Resolves with any answered status; throws on network errors and
 * timeouts, classified: a `WebHookDeliveryError` with code `ERR_WEB_HOOK_DELIVERY_TIMEOUT` for a timeout,
 * `ERR_WEB_HOOK_DELIVERY_NETWORK` for anything else, the underlying error as `cause` (the built-in transports do so).
 * Other errors are classified by the same rules: a `TimeoutError` or an undici timeout code is a timeout, the rest a
 * network error. An optional `close()` ends its connections.
 *
 * @example
 * const transport: WebHookTransport = async ({ url, headers, body, timeout, signal }) => {
 *   const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal })
 *   return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() }
 * }
 */
export type WebHookTransport = ((request: WebHookTransportRequest) => Promise<WebHookTransportResponse>) & {
  close?(): Promise<void>
}

/** Outcome of one delivery (all its attempts). */
export interface WebHookDeliveryOutcome {
  /** The delivery id (`webhook-id`). */
  id: string
  /** Whether a 2xx answer was received. */
  ok: boolean
  /** Status of the last answer, when there was one. */
  status?: number
  /** Body of the last answer (truncated), when there was one. */
  body?: string
  /** Why it failed, when it did. */
  error?: WebHookDeliveryFailure
  /** Attempts made. */
  attempts: number
}

/** Why a delivery was dropped without being sent to the end. */
export type WebHookDropReason = 'overflow' | 'closed'

/** Delivery events, by name; listen with `.webHooks.on(name, listener)` or the `on` option. */
export interface WebHookDeliveryEventMap {
  /** A 2xx answer was received. */
  'delivery:succeeded': WebHookDeliveryEventBase & {
    status: number
    /** Duration of the successful attempt, ms. */
    duration: number
    /** The URL that answered, when the attempt followed a redirect (`redirects`). */
    redirectedTo?: string
  }
  /** One attempt failed; `nextRetryAt` says when the next one is due (absent when none is left). */
  'delivery:failed': WebHookDeliveryEventBase & {
    /** Attempts still allowed after this one. */
    attemptsLeft: number
    /** When the next attempt is due, ms since the epoch; absent when this failure is final. */
    nextRetryAt?: number
    /** Status of the answer, when there was one. */
    status?: number
    /** A `WebHookDeliveryError` (or a `WebHookUnsafeUrlError`). */
    error: WebHookDeliveryFailure
    /** The last URL the attempt reached, when it followed a redirect (`redirects`). */
    redirectedTo?: string
  }
  /** The delivery failed for good (no attempt left, not retryable, 410, deadline). `onError` is called too. */
  'delivery:given-up': WebHookDeliveryEventBase & {
    status?: number
    /** A `WebHookDeliveryError` (or a `WebHookUnsafeUrlError`). */
    error: WebHookDeliveryFailure
    /** The last URL the attempt reached, when it followed a redirect (`redirects`). */
    redirectedTo?: string
  }
  /**
   * A veto hook answered a refusal (not 2xx, below 500): the gate worked and the call is refused with
   * `ERR_WEB_HOOK_VETOED`. Not a failure: no retry, no `delivery:given-up`, no `onError`; logged at `info`.
   */
  'delivery:vetoed': WebHookDeliveryEventBase & {
    type: 'pre'
    /** The refusal's status (403…). */
    status: number
    /** The receiver's reason (`{ "reason": "…" }` or the body's text, at most 1024 characters), when it gave one. */
    reason?: string
  }
  /** The delivery was refused or evicted (queue full, engine closed); it is in `delivery`, body included. */
  'delivery:dropped': {
    reason: WebHookDropReason
    delivery: WebHookDeliveryInfo
  }
  /** The circuit breaker opened: deliveries to this endpoint stay queued until a probe succeeds. */
  'endpoint:paused': {
    url: string
    /** Consecutive failed attempts that opened it. */
    failures: number
    /** When the next probe is due, ms since the epoch. */
    probeAt: number
  }
  /** A probe succeeded: the endpoint is delivering again. */
  'endpoint:resumed': { url: string }
  /** The endpoint answered 410 Gone: nothing more is sent to it until the hooks are configured again. */
  'endpoint:gone': { url: string; status: 410 }
}

/** State of an endpoint's circuit breaker. */
export type WebHookBreakerState = 'closed' | 'open' | 'half-open'

/** Latency of successful attempts, ms, over the most recent ones (up to 1024). */
export interface WebHookLatencyStats {
  p50: number
  p90: number
  p99: number
  /** Samples the percentiles were computed on. */
  count: number
}

/** Counters of one endpoint. */
export interface WebHookEndpointStats {
  /** Accepted, not yet in flight (waiting, blocked behind their call's pre, or waiting for a retry). */
  queued: number
  /** Requests in flight now. */
  inFlight: number
  /** Deliveries that got a 2xx. */
  delivered: number
  /** Deliveries given up (attempts exhausted, not retryable, 410, deadline). */
  failed: number
  /** Retries scheduled (attempts after the first). */
  retried: number
  /** Deliveries dropped by the overflow policy or close. */
  dropped: number
  /**
   * Times the queue bounds left a delivery in a durable store (SQLite) instead of dropping it: it waits there,
   * unleased, and is leased back when there is room (left there again, it counts again). Always 0 with the memory
   * store.
   */
  spilled: number
  latency: WebHookLatencyStats
  /**
   * Requests allowed in flight now: the hook's `concurrency`, halved on each rate-limit answer (429, or 503 with
   * `Retry-After`) and raised by one per success back up to it (AIMD).
   */
  concurrency: number
  /** Rate-limit answers (429, or 503 with `Retry-After`) so far; not counted by the breaker. */
  rateLimited: number
  /** While the endpoint waits out a `Retry-After`: when it resumes, ms since the epoch. */
  pausedUntil?: number
  breaker: WebHookBreakerState
  /** Where a redirect last led (the URL that answered), when the hook follows redirects and one was followed. */
  redirectedTo?: string
  /** Stopped by a 410 Gone until the next `configure`. */
  gone: boolean
}

/** What `stats()` returns: counters per endpoint, keyed by the endpoint's URL (credentials removed). */
export interface WebHookStats {
  endpoints: Record<string, WebHookEndpointStats>
  /** Deliveries queued across all endpoints (the figure `queue.maxSize` bounds). */
  queued: number
  /** Deliveries dropped since the start, all endpoints. */
  dropped: number
}

/** What `close()` returns: the deliveries that could not be delivered before the deadline, to keep or replay. */
export interface WebHookCloseResult {
  /**
   * Oldest first. With `bullmqStore`, also the deliveries Redis never confirmed (it was away): they are nowhere else.
   */
  undelivered: readonly WebHookDeliveryInfo[]
}
