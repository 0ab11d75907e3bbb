/**
 * The engine's own options of the configuration: the queue's bounds, the circuit breaker and the delivery history.
 * Re-exported by `config/types.ts`.
 */

/** Bounds on queued deliveries. */
export interface WebHookQueueOptions {
  /**
   * Most deliveries queued across all endpoints.
   * @default 100000
   */
  maxSize?: number
  /**
   * Most deliveries queued for one endpoint.
   * @default 10000
   */
  maxSizePerEndpoint?: number
  /**
   * What happens to a delivery that does not fit: `drop-newest` refuses it, `drop-oldest` evicts the oldest queued
   * one of the same endpoint. Either way it is counted and reported (`delivery:dropped`), never silently lost.
   * @default 'drop-oldest'
   */
  overflow?: 'drop-newest' | 'drop-oldest'
  /**
   * `per-call`: a call's post is never delivered to a URL before its pre; `fifo`: strict first-in-first-out per
   * endpoint (one request in flight per endpoint).
   * @default 'per-call'
   */
  ordering?: 'per-call' | 'fifo'
}

/** Circuit breaker per endpoint. */
export interface WebHookBreakerOptions {
  /**
   * Consecutive failures that open the breaker (the endpoint is paused; its deliveries stay queued).
   * @default 10
   */
  threshold?: number
  /**
   * Time in ms before a paused endpoint is probed again.
   * @default 30000
   */
  cooldown?: number
}

/** The delivery history (`history`): how much of it is kept. */
export interface WebHookHistoryOptions {
  /**
   * Attempts kept, newest first (about 270 bytes each, docs/performance.md); the most recent bodies are kept too, about
   * 1 MiB in all.
   * @default 2000
   */
  size?: number
}
