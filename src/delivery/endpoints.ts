/**
 * The engine's endpoints (issue 11): one `Endpoint` per hook endpoint, made on first use, and the hook configured for
 * each (the one whose concurrency and URL it follows; `configure()` re-indexes them).
 */
import type { QueueSettings, ResolvedHook } from '../config/normalized.js'
import type { BreakerOptions } from '../config/normalized.js'
import { Endpoint } from './endpoint.js'
import type { WebHookStats } from '../contracts/delivery.js'

/** The settings a new endpoint is made with (the engine state's, read when the endpoint is made). */
export interface EndpointSettings {
  readonly queue: QueueSettings
  readonly breaker: BreakerOptions | false
}

export class Endpoints {
  readonly #byKey = new Map<string, Endpoint>()
  readonly #hooks = new Map<string, ResolvedHook>()
  readonly #settings: () => EndpointSettings
  /** Starts what an endpoint can start (the engine's `pump`). */
  readonly #wake: (endpoint: Endpoint) => void

  constructor(settings: () => EndpointSettings, wake: (endpoint: Endpoint) => void) {
    this.#settings = settings
    this.#wake = wake
  }

  /** The hooks now configured, by endpoint. */
  index(hooks: readonly ResolvedHook[]): void {
    this.#hooks.clear()
    for (const hook of hooks) this.#hooks.set(hook.endpoint, hook)
  }

  /** The hook configured for an endpoint key, if any. */
  hookOf(key: string): ResolvedHook | undefined {
    return this.#hooks.get(key)
  }

  /** The endpoint of a hook, made on first use. */
  of(hook: ResolvedHook): Endpoint {
    let endpoint = this.#byKey.get(hook.endpoint)
    if (endpoint === undefined) {
      const { queue, breaker } = this.#settings()
      const concurrency = queue.fifo ? 1 : (this.#hooks.get(hook.endpoint) ?? hook).concurrency
      endpoint = new Endpoint(hook.endpoint, hook.displayUrl, concurrency, queue.fifo, breaker, this.#wake)
      this.#byKey.set(hook.endpoint, endpoint)
    }
    return endpoint
  }

  /** `stats()`: every endpoint's, by URL, and the totals. */
  stats(dropped: number): WebHookStats {
    const result: WebHookStats = { endpoints: {}, queued: 0, dropped }
    for (const endpoint of this.#byKey.values()) {
      const stats = endpoint.stats()
      result.endpoints[endpoint.url] = stats
      result.queued += stats.queued
    }
    return result
  }

  values(): IterableIterator<Endpoint> {
    return this.#byKey.values()
  }
}
