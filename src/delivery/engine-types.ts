/**
 * The contract between the wrapper (which builds payloads) and the delivery engine (which sends them).
 * Internal: not exported from the package.
 */
import type { ResolvedConfig, ResolvedHook, ResolvedRetry } from '../config/normalized.js'
import type { WebHookHistory, WebHookHistoryQuery } from './history-types.js'
import type { WebHookDeadLetter } from '../contracts/store.js'
import type {
  WebHookCloseResult,
  WebHookDeliveryEventMap,
  WebHookDeliveryOutcome,
  WebHookStats,
} from '../contracts/delivery.js'

/**
 * Where an accepted job went: `queued` (in memory, or ended at once for a 410 endpoint), `spilled` (left in a durable
 * store that can take it back) or `dropped` (the overflow policy).
 */
export type Accepted = 'queued' | 'spilled' | 'dropped'

/** One payload for one hook: what the engine queues, signs, sends and retries. */
export interface OutgoingDelivery {
  /** Delivery id, sent as `webhook-id`; the same on every attempt. */
  id: string
  hook: ResolvedHook
  type: 'pre' | 'post'
  callId: string
  method: string
  /** The serialised body, exactly as it will be sent and signed. */
  body: string
  /** ms since the epoch. */
  createdAt: number
  /** The W3C `traceparent` of the span active at the call (telemetry, issue 14); undefined without one. */
  traceparent?: string | undefined
}

export interface DeliveryEngine {
  /** Fire-and-forget: queue it; outcomes are reported by events, `onError` and the logger. Never throws. */
  enqueue(delivery: OutgoingDelivery): void
  /**
   * Send now and wait (waitForResponse and veto hooks, `test()`): with `retry` (`false`: one attempt), retries only
   * until `deadline` (ms since the epoch), so the caller is never delayed past it. Never rejects: failures are in the
   * outcome.
   */
  deliver(delivery: OutgoingDelivery, deadline: number, retry: ResolvedRetry | false): Promise<WebHookDeliveryOutcome>
  /**
   * The configuration changed (configure): refresh per-endpoint options, queue bounds, breaker settings and the
   * safe-URL policy, re-enable endpoints stopped by 410. Throws `WebHookConfigError`, changing nothing, for what cannot
   * change on a running engine (ordering, transport, store).
   */
  configure(config: ResolvedConfig): void
  /** Stop intake, drain until the timeout, return what was not delivered. */
  close(options?: { timeout?: number }): Promise<WebHookCloseResult>
  stats(): WebHookStats
  /** Recent attempts and per-endpoint rolling counters (history.ts). */
  history(query?: WebHookHistoryQuery): WebHookHistory
  on<E extends keyof WebHookDeliveryEventMap>(
    event: E,
    listener: (event: WebHookDeliveryEventMap[E]) => void
  ): () => void
  /**
   * Takes dead letters out of the store (all, or those with these ids) and queues them again with their attempts
   * reset; resolves with how many were queued (those whose endpoint is no longer configured stay out).
   */
  replay(ids?: readonly string[]): Promise<number>
  /** The store's dead letters, oldest first (at most `limit`). */
  deadLetters(options?: { limit?: number }): Promise<WebHookDeadLetter[]>
}
