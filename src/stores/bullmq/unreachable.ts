/**
 * Redis failures, reported as `ERR_WEB_HOOK_STORE_UNREACHABLE` (to the engine's `onError` once the store is open, as
 * a process warning before), at most one per `REPORT_INTERVAL` unless urgent (an enqueue that timed out).
 */
import type { WebHookStoreContext } from '../../contracts/store.js'
import { WebHookStoreError } from '../../errors/store-error.js'

/** At most one "unreachable" report per this many ms. */
const REPORT_INTERVAL = 30_000

export class Unreachable {
  readonly #where: string
  #context: WebHookStoreContext | undefined
  #lastReport = 0

  /** `target`: the Redis (host:port, cluster or sentinel) the connections go to. */
  constructor(target: string, queueName: string) {
    this.#where = `Redis at ${target} (queue ${JSON.stringify(queueName)})`
  }

  /** The engine opened the store: reports go to its `onError` from now on. */
  open(context: WebHookStoreContext): void {
    this.#context = context
  }

  readonly report = (error: Error, urgent = false): void => {
    const now = Date.now()
    if (urgent) this.#lastReport = 0
    if (now - this.#lastReport < REPORT_INTERVAL) return
    this.#lastReport = now
    const reported = new WebHookStoreError(
      'ERR_WEB_HOOK_STORE_UNREACHABLE',
      'bullmq',
      `${this.#where} failed: ${error.message}`,
      { cause: error }
    )
    if (this.#context === undefined) process.emitWarning(reported)
    else this.#context.onError(reported)
  }
}
