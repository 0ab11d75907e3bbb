/**
 * The store interface: where pending deliveries are kept. The in-memory store (the default) is the engine's own
 * queues; a durable store (SQLite, BullMQ: issue 7) is written through at every step of a delivery's life, so that a
 * restarted process picks up what was pending.
 *
 * @packageDocumentation
 */

import type { WebHookDeliveryInfo } from './record.js'

/** A delivery as a store keeps it: plain JSON-compatible data, no secret, no header. */
export interface WebHookStoredDelivery extends WebHookDeliveryInfo {
  /** Queue key: the endpoint URL without credentials or fragment; the engine maps it back to a configured hook. */
  endpoint: string
  /** Not to be attempted before this time, ms since the epoch (0: now). */
  notBefore: number
  /**
   * The W3C `traceparent` of the API call that made it (telemetry, issue 14), so that an attempt after a restart
   * lands in the call's trace; absent when the call had no active span.
   */
  traceparent?: string
}

/** A delivery that failed for good, kept for inspection and replay. */
export interface WebHookDeadLetter extends WebHookStoredDelivery {
  /** When it was given up, ms since the epoch. */
  failedAt: number
  /** The error's code, e.g. `ERR_WEB_HOOK_DELIVERY_STATUS`. */
  code: string
  /** The error's message (no secret: URLs in it are safe). */
  message: string
  /** Status of the last answer, when there was one. */
  status?: number
}

/** Options of {@link WebHookStore.lease}. */
export interface WebHookLease {
  /** Most deliveries to return. */
  limit: number
  /** The lease lasts this long, ms; a delivery whose lease expired (its process died) is offered again. */
  leaseMs: number
  /** The current time, ms since the epoch. */
  now: number
}

/** What the engine gives a store when it starts. */
export interface WebHookStoreContext {
  /** Reports a store failure (the engine logs it; deliveries go on in memory). */
  onError(error: Error): void
}

type MaybePromise<T> = T | Promise<T>

/**
 * What one attempt of a stored delivery came to, as the engine tells a store that schedules deliveries itself
 * ({@link WebHookStore.run}): `delivered`; `retry` after `delay` ms (the engine's retry policy and `Retry-After`);
 * `failed` for good (no attempt left, not retryable, 410, endpoint no longer configured): dead-letter it; or
 * `postponed`: not attempted (endpoint paused or at its concurrency): try again after `delay` ms, without counting
 * an attempt.
 */
export type WebHookStoreAttemptResult =
  | { outcome: 'delivered'; status: number }
  | { outcome: 'retry'; delay: number; error: Error; status?: number }
  | { outcome: 'failed'; error: Error; code: string; status?: number }
  | { outcome: 'postponed'; delay: number }

/** What the engine hands a store that schedules deliveries itself: one attempt at a time, on the current hooks. */
export interface WebHookStoreWorker {
  /**
   * Makes one attempt of a delivery (its `attempts` = attempts made before this one), with the hook currently
   * configured for its endpoint (URL, headers, secrets, timeout, retry policy). Never rejects.
   */
  attempt(delivery: WebHookStoredDelivery): Promise<WebHookStoreAttemptResult>
}

/**
 * Where pending deliveries are kept. Every method may be synchronous or return a promise. The engine calls, in a
 * delivery's life: `enqueue` (accepted, leased by this process for `leaseMs`), then `ack` (delivered), `retryAt`
 * (an attempt failed, the next is due at a time), or `deadLetter` (given up). Overflow and `close()` evictions are
 * `ack`ed after being reported. `lease` hands out deliveries that are due and not leased (or whose lease expired):
 * that is how a restarted process, or another worker, picks up pending work.
 *
 * `durable: false` (the memory store) tells the engine its own queues are the store: nothing is journaled on the hot
 * path, only dead letters are kept.
 *
 * @example
 * const store = memoryStore({ maxDeadLetters: 1000 })
 * const rpc = withWebHooks(dispatch, { hooks, store })
 * const dead = await store.listDeadLetters()
 */
export interface WebHookStore {
  /** A short name, e.g. `memory`, `sqlite`, `bullmq`. */
  readonly kind: string
  /** Whether deliveries survive the process: the engine then writes every step through. */
  readonly durable: boolean
  /** Called once when an engine starts using the store. */
  open?(context: WebHookStoreContext): MaybePromise<void>
  /** A delivery was accepted: keep it, leased by the caller until `leaseUntil` (ms since the epoch). */
  enqueue(delivery: WebHookStoredDelivery, leaseUntil: number): MaybePromise<void>
  /** Due deliveries not leased (or whose lease expired), now leased until `now + leaseMs`; oldest first. */
  lease(options: WebHookLease): MaybePromise<WebHookStoredDelivery[]>
  /** Delivered (or handed back to the caller): forget it. */
  ack(id: string): MaybePromise<void>
  /**
   * Optional: the engine had no room for this delivery in memory (`queue.maxSize`, `queue.maxSizePerEndpoint`): keep
   * it, not leased, due at `notBefore`; `lease` offers it again. Without it, a durable store's deliveries over the
   * bounds are dropped (and removed) like the memory store's.
   */
  release?(id: string, notBefore: number): MaybePromise<void>
  /** An attempt failed: the next is due at `at` (ms since the epoch), after `attempts` attempts. */
  retryAt(id: string, at: number, attempts: number): MaybePromise<void>
  /** Given up: move it to the dead letters. */
  deadLetter(letter: WebHookDeadLetter): MaybePromise<void>
  /** Dead letters, oldest first. */
  listDeadLetters(options?: { limit?: number }): MaybePromise<WebHookDeadLetter[]>
  /**
   * Takes dead letters out (all, or those with these ids) and returns them as pending deliveries with their attempts
   * reset; the engine re-queues them (`.webHooks.replay()` does both).
   */
  takeDeadLetters(ids?: readonly string[]): MaybePromise<WebHookStoredDelivery[]>
  /**
   * Optional: the store schedules deliveries itself (a distributed queue such as BullMQ: retries, backoff and
   * ordering kept by it, workers on any machine). The engine then only `enqueue`s fire-and-forget deliveries (no
   * `lease`, no in-memory queue) and calls `run` once after `open`; the store calls `worker.attempt` for each due
   * delivery and acts on the result. `ack`/`retryAt` are not called for such deliveries; waited deliveries
   * (waitForResponse, veto) stay in the calling process and are only dead-lettered here when they fail.
   */
  run?(worker: WebHookStoreWorker): MaybePromise<void>
  /** Called by the engine's `close()`. */
  close?(): MaybePromise<void>
}
