/**
 * One endpoint (URL): its queues, concurrency, ordering state, breaker and counters. The engine moves jobs between
 * these structures; this file only holds them.
 */
import { Breaker, type BreakerOptions } from './breaker.js'
import { Deque } from './deque.js'
import type { OutgoingDelivery } from './engine-types.js'
import { DueHeap } from './heap.js'
import { LatencyRing } from './latency.js'
import type { WebHookDeliveryOutcome, WebHookEndpointStats } from './types.js'

/** A delivery in the engine. */
export interface Job {
  delivery: OutgoingDelivery
  endpoint: Endpoint
  attempts: number
  /** ms since the epoch; Infinity for fire-and-forget deliveries. */
  deadline: number
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
  error: Error | undefined
}

export class Endpoint {
  /** Fire-and-forget deliveries ready to go, oldest first. */
  readonly queue = new Deque<Job>()
  /** Waited deliveries (and, in FIFO mode, retries that hold the line): they go first. */
  readonly urgent = new Deque<Job>()
  /** Deliveries waiting for a retry. */
  readonly retries = new DueHeap<Job>()
  retryTimer: ReturnType<typeof setTimeout> | undefined
  retryTimerAt = 0
  /** Posts waiting for their call's pre to this endpoint, by callId. */
  readonly blocked = new Map<string, Job[]>()
  blockedCount = 0
  /** Pres not finished yet, by callId. */
  readonly pendingPre = new Map<string, number>()
  inFlight = 0
  /** FIFO mode: slots held by a delivery waiting for its retry. */
  holding = 0
  /** Fire-and-forget deliveries accepted and not finished (the figure bounded by `maxSizePerEndpoint`). */
  pending = 0
  scheduled = false
  gone = false
  readonly breaker: Breaker
  probeTimer: ReturnType<typeof setTimeout> | undefined
  delivered = 0
  failed = 0
  retried = 0
  dropped = 0
  readonly latency = new LatencyRing()

  constructor(
    readonly key: string,
    public url: string,
    public concurrency: number,
    readonly fifo: boolean,
    breaker: BreakerOptions | false
  ) {
    this.breaker = new Breaker(breaker)
  }

  /** Whether another request may start now. */
  canStart(): boolean {
    return this.inFlight + this.holding < this.concurrency && !this.gone && this.breaker.allows(this.inFlight)
  }

  stats(): WebHookEndpointStats {
    return {
      queued: this.queue.length + this.urgent.length + this.retries.size + this.blockedCount,
      inFlight: this.inFlight,
      delivered: this.delivered,
      failed: this.failed,
      retried: this.retried,
      dropped: this.dropped,
      latency: this.latency.percentiles(),
      breaker: this.breaker.state,
      gone: this.gone,
    }
  }

  /**
   * Takes out the oldest job that is not in flight (overflow eviction), or undefined: the oldest by acceptance time of
   * three candidates, each found in O(1): the next ready delivery, the oldest blocked post, the retry due first. On a
   * tie the retry goes first, then the blocked post (so a pre goes before its own post).
   */
  evictOldest(): Job | undefined {
    const ready = this.queue.peek()
    const blockedEntry = this.blocked.entries().next().value as [string, Job[]] | undefined
    const blocked = blockedEntry?.[1][0]
    const waiting = this.retries.peek()
    const age = (job: Job | undefined) => job?.delivery.createdAt ?? Number.POSITIVE_INFINITY
    const oldest = Math.min(age(ready), age(blocked), age(waiting))
    if (oldest === Number.POSITIVE_INFINITY) return undefined
    if (age(waiting) === oldest) {
      if (this.fifo) this.holding--
      return this.retries.pop()
    }
    if (age(blocked) === oldest && blockedEntry !== undefined) {
      const [callId, jobs] = blockedEntry
      jobs.shift()
      if (jobs.length === 0) this.blocked.delete(callId)
      this.blockedCount--
      return blocked
    }
    return this.queue.shift()
  }

  /** Takes out one waiting job (rare: a waited delivery's deadline passed while queued or waiting for a retry). */
  remove(job: Job): void {
    const kept = this.urgent.drain().filter(other => other !== job)
    for (const other of kept) this.urgent.push(other)
    if (this.retries.items.includes(job)) {
      const rest = this.retries.items.splice(0).filter(other => other !== job)
      for (const other of rest) this.retries.push(other)
      if (this.fifo) this.holding--
    }
  }

  /** Takes out every job that is not in flight. */
  drainWaiting(): Job[] {
    const jobs = [...this.urgent.drain(), ...this.queue.drain()]
    for (const list of this.blocked.values()) jobs.push(...list)
    this.blocked.clear()
    this.blockedCount = 0
    while (this.retries.size > 0) jobs.push(this.retries.pop()!)
    this.holding = 0
    return jobs
  }
}
