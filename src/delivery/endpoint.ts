/**
 * One endpoint (URL): its queues, concurrency, ordering state (a call's posts wait behind its pre), retry timer,
 * breaker and counters (endpoint-counters.ts). The engine decides what happens to a job; the endpoint keeps its queues consistent.
 */
import { Breaker } from './breaker.js'
import type { BreakerOptions } from '../config/normalized.js'
import { CallOrder } from './call-order.js'
import { Deque } from './deque.js'
import type { ResolvedRetry } from '../config/normalized.js'
import type { OutgoingDelivery } from './engine-types.js'
import { EndpointCounters } from './endpoint-counters.js'
import { RetryWait } from './retry-wait.js'
import { Throttle } from './throttle.js'
import type { WebHookDeliveryFailure, WebHookDeliveryOutcome, WebHookEndpointStats } from '../contracts/delivery.js'

/** A delivery in the engine. */
export interface Job {
  delivery: OutgoingDelivery
  endpoint: Endpoint
  attempts: number
  /** ms since the epoch; Infinity for fire-and-forget deliveries. */
  deadline: number
  /** Its retry policy: the hook's, or for a waited delivery what `deliver()` was given. */
  retry: ResolvedRetry | false
  /** Set for `deliver()` (waited) jobs. */
  resolve: ((outcome: WebHookDeliveryOutcome) => void) | undefined
  /** Retry due time, ms since the epoch. */
  dueAt: number
  inFlight: boolean
  done: boolean
  /** Aborts the attempt in flight (close, deadline). */
  controller: AbortController | undefined
  timer: ReturnType<typeof setTimeout> | undefined
  status: number | undefined
  body: string | undefined
  error: WebHookDeliveryFailure | undefined
  /** The URL that answered the last attempt, when it followed a redirect. */
  redirectedTo: string | undefined
}

export class Endpoint extends EndpointCounters {
  /** Fire-and-forget deliveries ready to go, oldest first. */
  readonly queue = new Deque<Job>()
  /** Waited deliveries (and, in FIFO mode, retries that hold the line): they go first. */
  readonly urgent = new Deque<Job>()
  /** Deliveries waiting for a retry. */
  readonly retries = new RetryWait<Job>(due => this.#retriesDue(due))
  /** A call's posts parked behind its pre. */
  readonly #order = new CallOrder<Job>()
  /** FIFO mode: slots held by a delivery waiting for its retry. */
  holding = 0
  #scheduled = false
  #gone = false
  readonly breaker: Breaker
  /** Rate limits (429): the pause until `Retry-After` and the adaptive limit of requests in flight. */
  readonly throttle: Throttle
  throttleTimer: ReturnType<typeof setTimeout> | undefined
  probeTimer: ReturnType<typeof setTimeout> | undefined

  /** Called when retries are due again (the engine starts what it can). */
  readonly #wake: (endpoint: Endpoint) => void

  constructor(
    readonly key: string,
    public url: string,
    public concurrency: number,
    readonly fifo: boolean,
    breaker: BreakerOptions | false,
    wake: (endpoint: Endpoint) => void
  ) {
    super()
    this.breaker = new Breaker(breaker)
    this.throttle = new Throttle(concurrency)
    this.#wake = wake
  }

  /** `configure()`: the hook now configured for this endpoint (if any), the breaker settings; a 410 is forgotten. */
  reconfigure(hook: { concurrency: number; displayUrl: string } | undefined, breaker: BreakerOptions | false): void {
    this.breaker.options = breaker
    if (hook !== undefined) {
      if (!this.fifo) this.concurrency = hook.concurrency
      this.throttle.resize(this.concurrency)
      this.url = hook.displayUrl
    }
    this.#gone = false
  }

  /** Answered 410: nothing more is sent here until `configure()` (`reconfigure`). */
  get gone(): boolean {
    return this.#gone
  }

  /** Retires the endpoint after a 410; false when it was already. */
  retire(): boolean {
    if (this.#gone) return false
    this.#gone = true
    return true
  }

  /** Starts what can start on the next turn of the event loop, so the API call that queued it never waits. */
  schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    setImmediate(() => {
      this.#scheduled = false
      this.#wake(this)
    })
  }

  // -- ordering: a call's post never goes before its pre to this endpoint (issue 3) --------------------------------

  /** A pre of `callId` is on its way: the call's posts wait until it is done. */
  holdPre(callId: string): void {
    this.#order.hold(callId)
  }

  /** Parks a post while a pre of its call is on its way; false (nothing done) when none is. */
  parkPost(job: Job): boolean {
    return this.#order.park(job)
  }

  /** A pre of `callId` is done; after the last one, the call's parked posts join the queue. True when some did. */
  releasePre(callId: string): boolean {
    const posts = this.#order.release(callId)
    if (posts === undefined) return false
    for (const post of posts) this.queue.push(post)
    return true
  }

  // -- retries: set aside until due; in FIFO mode they hold their slot -------------------------------------------

  /** Sets a job aside until its `dueAt`. */
  waitRetry(job: Job): void {
    if (this.fifo) this.holding++
    this.retries.push(job)
  }

  /** Due retries go back in line: waited ones and FIFO ones first. */
  #retriesDue(due: Job[]): void {
    for (const job of due) {
      if (this.fifo) this.holding--
      if (job.resolve !== undefined || this.fifo) this.urgent.push(job)
      else this.queue.push(job)
    }
    this.#wake(this)
  }

  /** Whether another request may start now. */
  canStart(): boolean {
    return (
      this.inFlight + this.holding < this.throttle.limit &&
      !this.#gone &&
      this.breaker.allows(this.inFlight) &&
      // No clock read on the hot path unless a rate limit paused the endpoint.
      (this.throttle.until === 0 || !this.throttle.paused(Date.now()))
    )
  }

  /**
   * The receiver asked to slow down (429, or 503 with `Retry-After`): nothing more starts for `delay` ms, then
   * requests resume at the reduced limit. Not a breaker failure.
   */
  rateLimited(delay: number): void {
    const now = Date.now()
    this.throttle.limited(now, delay)
    this.#armThrottleTimer(now)
  }

  #armThrottleTimer(now: number): void {
    clearTimeout(this.throttleTimer)
    this.throttleTimer = setTimeout(
      () => {
        this.throttleTimer = undefined
        const at = Date.now()
        // Timers run on the event loop's cached clock: one may fire before Date.now() reaches `until`. Nothing could
        // start then, and nothing else would wake the endpoint: wait for the rest.
        if (this.throttle.paused(at)) return this.#armThrottleTimer(at)
        this.throttle.until = 0
        this.#wake(this)
      },
      Math.max(0, this.throttle.until - now)
    )
  }

  stats(): WebHookEndpointStats {
    return {
      ...this.counts(this.queue.length + this.urgent.length + this.retries.size + this.#order.count),
      concurrency: this.throttle.limit,
      rateLimited: this.throttle.count,
      ...(this.throttle.paused(Date.now()) ? { pausedUntil: this.throttle.until } : {}),
      breaker: this.breaker.state,
      gone: this.#gone,
    }
  }

  /**
   * Takes out the oldest job that is not in flight (overflow eviction), or undefined: the oldest by acceptance time of
   * three candidates, each found in O(1): the next ready delivery, the oldest blocked post, the retry due first. On a
   * tie the retry goes first, then the blocked post (so a pre goes before its own post).
   */
  evictOldest(): Job | undefined {
    const ready = this.queue.peek()
    const blocked = this.#order.peekOldest()
    const waiting = this.retries.peek()
    const age = (job: Job | undefined) => job?.delivery.createdAt ?? Number.POSITIVE_INFINITY
    const oldest = Math.min(age(ready), age(blocked), age(waiting))
    if (oldest === Number.POSITIVE_INFINITY) return undefined
    if (age(waiting) === oldest) {
      if (this.fifo) this.holding--
      return this.retries.pop()
    }
    if (age(blocked) === oldest) return this.#order.takeOldest()
    return this.queue.shift()
  }

  /** Takes out one waiting job (rare: a waited delivery's deadline passed while queued or waiting for a retry). */
  remove(job: Job): void {
    const kept = this.urgent.drain().filter(other => other !== job)
    for (const other of kept) this.urgent.push(other)
    if (this.retries.remove(job) && this.fifo) this.holding--
  }

  /** Takes out every job that is not in flight. */
  drainWaiting(): Job[] {
    const jobs = [...this.urgent.drain(), ...this.queue.drain()]
    jobs.push(...this.#order.drain())
    jobs.push(...this.retries.drain())
    this.holding = 0
    return jobs
  }
}
