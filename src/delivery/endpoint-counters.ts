/**
 * The counters of one endpoint: what `stats()` reports and the intake bounds read. They change only through these
 * methods (issue 11: no one holding a reference bumps a field); `Endpoint` extends this class, so they are its methods.
 */
import { LatencyRing } from './latency.js'
import type { WebHookEndpointStats } from '../contracts/delivery.js'

/** The counting part of an endpoint's stats. */
export type EndpointCounts = Pick<
  WebHookEndpointStats,
  'redirectedTo' | 'queued' | 'inFlight' | 'delivered' | 'failed' | 'retried' | 'dropped' | 'spilled' | 'latency'
>

export class EndpointCounters {
  /**
   * Some of this endpoint's deliveries wait in a durable store for room (spilled): new ones wait there too, behind
   * them, until the store has none due. Keeps the endpoint's order (a call's post never before its pre) with nothing
   * kept in memory per spilled delivery.
   */
  #backlog = false
  #inFlight = 0
  /** Fire-and-forget deliveries accepted and not finished (the figure bounded by `maxSizePerEndpoint`). */
  #pending = 0
  #delivered = 0
  #failed = 0
  #retried = 0
  #dropped = 0
  #spilled = 0
  readonly latency = new LatencyRing()
  /** The URL a redirect last led to (an attempt followed it there). */
  #redirectedTo: string | undefined

  get backlog(): boolean {
    return this.#backlog
  }
  get inFlight(): number {
    return this.#inFlight
  }
  get pending(): number {
    return this.#pending
  }

  /** A fire-and-forget delivery was accepted into memory. */
  admitted(): void {
    this.#pending++
  }
  /** A fire-and-forget delivery accepted into memory is over. */
  released(): void {
    this.#pending--
  }
  /** A delivery was left in the durable store for room: the endpoint has a backlog there (see `backlog`). */
  spilledOne(): void {
    this.#backlog = true
    this.#spilled++
  }
  /** The durable store has nothing due any more: new deliveries need not wait behind a backlog. */
  caughtUp(): void {
    this.#backlog = false
  }
  droppedOne(): void {
    this.#dropped++
  }
  attemptStarted(): void {
    this.#inFlight++
  }
  attemptEnded(): void {
    this.#inFlight--
  }
  /** An attempt was answered 2xx after `duration` ms. */
  deliveredOne(duration: number): void {
    this.#delivered++
    this.latency.add(duration)
  }
  retriedOne(): void {
    this.#retried++
  }
  /** A delivery was given up. */
  failedOne(): void {
    this.#failed++
  }
  /** An attempt followed a redirect to `url`. */
  redirected(url: string): void {
    this.#redirectedTo = url
  }

  /** The counters as `stats()` reports them, with `queued` (the endpoint's line) in its place. */
  protected counts(queued: number): EndpointCounts {
    return {
      ...(this.#redirectedTo === undefined ? {} : { redirectedTo: this.#redirectedTo }),
      queued,
      inFlight: this.#inFlight,
      delivered: this.#delivered,
      failed: this.#failed,
      retried: this.#retried,
      dropped: this.#dropped,
      spilled: this.#spilled,
      latency: this.latency.percentiles(),
    }
  }
}
