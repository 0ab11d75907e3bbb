/**
 * Leasing from a durable store (issue 7, 13): deliveries due in the store (left by a process that died, or replayed)
 * are leased back into the engine, no more than the queue bounds have room for; while more is due, the next lease
 * follows soon instead of waiting for the next poll.
 */
import type { Accepted } from './engine-types.js'
import type { WebHookStore, WebHookStoredDelivery } from '../contracts/store.js'

/** A durable store leases deliveries for this long, ms. */
export const LEASE_MS = 5 * 60_000
/** How often a durable store is asked for due deliveries, ms. */
const POLL_MS = 1000
const POLL_LIMIT = 256
/**
 * While a lease comes back full (more is due in the store) and the engine took what it leased, the next lease follows
 * after this many ms instead of `POLL_MS`: a restarted process leases as fast as its endpoints take deliveries, not
 * 256 a second (issue 13).
 */
const DRAIN_MS = 1
/** Draining with the queue bounds full, the next look waits up to this long, ms. */
const MAX_DRAIN_WAIT = 100

export interface LeaserDeps {
  requeue: (delivery: WebHookStoredDelivery) => Accepted | 'refused'
  room: () => number
  nothingDue: () => void
  /** Runs a store step, reporting its failure instead of throwing. */
  run: (step: () => unknown) => void
}

export class Leaser {
  /** Ids this engine holds in memory, so a lease does not bring them in twice. */
  readonly held = new Set<string>()
  readonly #store: WebHookStore
  readonly #deps: LeaserDeps
  #poller: ReturnType<typeof setInterval> | undefined
  /** The next lease while draining a backlog (see `DRAIN_MS`). */
  #drainer: ReturnType<typeof setTimeout> | undefined
  /** The last lease came back full and was taken: more is due in the store. */
  #draining = false
  #drainWait = DRAIN_MS
  #stopped = false
  /** A lease is under way (an asynchronous store): the next waits for it. */
  #polling = false

  constructor(store: WebHookStore, deps: LeaserDeps) {
    this.#store = store
    this.#deps = deps
  }

  /** Polls every `POLL_MS` from now on. */
  start(): void {
    this.#poller = setInterval(() => this.#deps.run(() => this.poll()), POLL_MS)
    this.#poller.unref?.()
  }

  stop(): void {
    this.#stopped = true
    clearInterval(this.#poller)
    clearTimeout(this.#drainer)
  }

  async poll(): Promise<void> {
    if (this.#drainer !== undefined || this.#polling) return
    this.#polling = true
    try {
      await this.#leaseDue()
    } finally {
      this.#polling = false
    }
  }

  async #leaseDue(): Promise<void> {
    const { requeue, room, nothingDue } = this.#deps
    // No more than the queue bounds have room for: the rest stays in the store, unleased.
    const limit = Math.min(POLL_LIMIT, room())
    if (limit <= 0) {
      // Draining, the queues full: look again soon, less and less often while they stay full.
      if (this.#draining) this.#drainSoon(Math.min(MAX_DRAIN_WAIT, this.#drainWait * 2))
      return
    }
    const leased = await this.#store.lease({ limit, leaseMs: LEASE_MS, now: Date.now() })
    // First, so that a delivery spilled again below (its endpoint still full) marks its endpoint's backlog again.
    if (leased.length < limit) nothingDue()
    let taken = 0
    for (const delivery of leased) {
      if (this.held.has(delivery.id)) continue
      if (requeue(delivery) === 'queued') {
        this.held.add(delivery.id)
        taken++
      }
    }
    // A full lease that the engine took: more is due, lease again soon. (Not when everything was spilled back: its
    // endpoints are full, the 1 s poll will do.)
    this.#draining = leased.length === limit && taken > 0
    if (this.#draining) this.#drainSoon(DRAIN_MS)
  }

  #drainSoon(wait: number): void {
    if (this.#stopped || this.#drainer !== undefined) return
    this.#drainWait = wait
    this.#drainer = setTimeout(() => {
      this.#drainer = undefined
      this.#deps.run(() => this.poll())
    }, wait)
    this.#drainer.unref?.()
  }
}
