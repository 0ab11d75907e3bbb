/**
 * The controller of a set of hooks: at `.webHooks` of a wrapped dispatcher, and part of `createWebHooks`'s result.
 */
import type { WebHooksConfig } from './config/types.js'
import type { WebHookHistory, WebHookHistoryQuery } from './delivery/history-types.js'
import type { WebHookDeadLetter } from './contracts/store.js'
import type { WebHookCloseResult, WebHookDeliveryEventMap, WebHookStats } from './contracts/delivery.js'

/** The controller at `.webHooks` of a wrapped dispatcher (and of `createWebHooks`). */
export interface WebHooksController<Context = any, Params = any> {
  /**
   * Replaces the configuration at run time (as XO's plugin does while loaded). It is validated first: when invalid it
   * throws a `WebHookConfigError` and the previous hooks stay in force.
   */
  configure(config: WebHooksConfig<Context, Params>): void
  /**
   * XO's test: the sample payload to every configured hook, pre and post, in its format. Rejects with a
   * `WebHookTestError` on the first failure.
   */
  test(): Promise<void>
  /**
   * Stops sending hooks for new calls (they go straight through) and waits up to `timeout` ms for the calls already
   * running to end and for every delivery, their posts included. Afterwards `configure()` throws and `test()`
   * rejects with a `WebHookClosedError` (`ERR_WEB_HOOK_CLOSED`).
   */
  close(options?: { timeout?: number }): Promise<WebHookCloseResult>
  /** Delivery counters per endpoint. */
  stats(): WebHookStats
  /**
   * Recent attempts (newest first, selected by `query`) and per-endpoint counts over the last 5 minutes and hour, with
   * a per-second series: what the dashboard (`rpc-web-hooks/dashboard`) shows, for anyone building their own view.
   * Bounded by the `history` option; `enabled: false` when it is off.
   *
   * @example
   * const { attempts } = rpc.webHooks.history({ outcome: 'failed', limit: 10 })
   * for (const { at, url, method, errorCode } of attempts) console.log(new Date(at), url, method, errorCode)
   */
  history(query?: WebHookHistoryQuery): WebHookHistory
  /**
   * Queues dead letters again (all, or those with these ids), attempts reset; resolves with how many were queued.
   */
  replay(ids?: readonly string[]): Promise<number>
  /**
   * The store's dead letters (deliveries given up), oldest first, at most `limit`: what `replay()` can queue again.
   * With the memory store, those it keeps (`maxDeadLetters`).
   */
  deadLetters(options?: { limit?: number }): Promise<WebHookDeadLetter[]>
  /** Whether `close()` was called. */
  readonly closed: boolean
  /** Listens to a delivery event; returns a function that removes the listener. */
  on<E extends keyof WebHookDeliveryEventMap>(
    event: E,
    listener: (event: WebHookDeliveryEventMap[E]) => void
  ): () => void
}
