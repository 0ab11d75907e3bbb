/**
 * Writes a delivery's life through to the store. With the memory store (`durable: false`) only dead letters are
 * written: its pending deliveries are the engine's own queues. With a durable store every step is journaled, and
 * deliveries due in the store (left by a process that died, or replayed) are leased back into the engine.
 */
import type { CurrentConfig } from '../config/current.js'
import { isWebHookError } from '../errors/web-hook-error.js'
import type { Job } from './endpoint.js'
import { infoOf } from './job.js'
import type { Accepted } from './engine-types.js'
import { memoryStore } from './memory-store.js'
import type { QueueSettings } from '../config/normalized.js'
import { StoreBuffer } from './store-buffer.js'
import { within } from './within.js'
import type { WebHookDeadLetter, WebHookStore, WebHookStoredDelivery, WebHookStoreWorker } from './store-types.js'

/** A durable store leases deliveries for this long, ms. */
const LEASE_MS = 5 * 60_000
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

export interface Journal {
  /** The store schedules fire-and-forget deliveries itself (`store.run`): the engine only enqueues them. */
  readonly delegates: boolean
  /**
   * A durable store that can take a delivery back (`store.release`): what the queue bounds leave out of memory waits
   * there instead of being dropped, and is leased back when there is room.
   */
  readonly spills: boolean
  /** Hands an enqueued delivery back to the store, not leased (see `spills`). */
  spill(job: Job): void
  enqueue(job: Job): void
  /** A waited delivery (waitForResponse, veto): written before its request, except to a store that schedules. */
  enqueueWaited(job: Job): void
  ack(job: Job): void
  retryAt(job: Job): void
  deadLetter(job: Job, error: Error): void
  /** Not delivered at close: a durable store keeps it for the next start. */
  keep(job: Job): void
  replay(ids?: readonly string[]): Promise<number>
  /** The store's dead letters, oldest first. */
  deadLetters(limit: number | undefined): Promise<WebHookDeadLetter[]>
  /** Stop leasing (close). */
  stop(): void
  /** Close: gives deliveries not yet confirmed by a scheduling store up to `ms` to get there (see `StoreBuffer`). */
  settle(ms: number): Promise<void>
  /** Deliveries a scheduling store never confirmed (close: they are `undelivered`). */
  unsent(): Job[]
  /** Closes the store, waiting for it at most `ms`. */
  close(ms: number): Promise<void>
}

/** What the journal needs of the engine's queue bounds, for what waits for a scheduling store. */
export interface JournalBounds {
  queue(): QueueSettings
  /** Drops a delivery for which the bounds have no room (reported as any overflow). */
  drop(job: Job): void
}

/** The job as a store keeps it: what events show (`infoOf`), plus its queue key and due time. */
export function stored(job: Job): WebHookStoredDelivery {
  const { traceparent } = job.delivery
  const delivery = { ...infoOf(job), endpoint: job.delivery.hook.endpoint, notBefore: job.dueAt }
  return traceparent === undefined ? delivery : { ...delivery, traceparent }
}

export function createJournal(
  current: CurrentConfig,
  /** Hands a stored delivery to the engine: `queued` in memory, `spilled` back to the store, or not taken. */
  requeue: (delivery: WebHookStoredDelivery) => Accepted | 'refused',
  worker: WebHookStoreWorker,
  /** How many more deliveries the queue bounds have room for. */
  room: () => number,
  /** A lease found fewer due deliveries than it asked for: none is left waiting in the store. */
  nothingDue: () => void,
  bounds: JournalBounds
): Journal {
  const store: WebHookStore = current.resolved.store ?? memoryStore()
  const durable = store.durable
  const delegates = durable && typeof store.run === 'function'
  const spills = durable && !delegates && typeof store.release === 'function'
  /** Ids this engine holds in memory, so a lease does not bring them in twice. */
  const held = new Set<string>()
  let poller: ReturnType<typeof setInterval> | undefined
  // Redis down must neither grow memory nor lose hooks silently (issue 13): bounded, reported, returned at close.
  const buffer = delegates
    ? new StoreBuffer({
        send: async job => {
          await store.enqueue(stored(job), Date.now() + LEASE_MS)
        },
        queue: bounds.queue,
        room,
        drop: bounds.drop,
      })
    : undefined
  /** The next lease while draining a backlog (see `DRAIN_MS`). */
  let drainer: ReturnType<typeof setTimeout> | undefined
  /** The last lease came back full and was taken: more is due in the store. */
  let draining = false
  let drainWait = DRAIN_MS
  let stopped = false
  /** A lease is under way (an asynchronous store): the next waits for it. */
  let polling = false

  function onError(error: unknown): void {
    current.logger.error('web hook store failed', { store: store.kind, error })
  }

  function run(step: () => unknown): void {
    try {
      const result = step()
      if (result instanceof Promise) result.catch(onError)
    } catch (error) {
      onError(error)
    }
  }

  async function poll(): Promise<void> {
    if (drainer !== undefined || polling) return
    polling = true
    try {
      await leaseDue()
    } finally {
      polling = false
    }
  }

  async function leaseDue(): Promise<void> {
    // No more than the queue bounds have room for: the rest stays in the store, unleased.
    const limit = Math.min(POLL_LIMIT, room())
    if (limit <= 0) {
      // Draining, the queues full: look again soon, less and less often while they stay full.
      if (draining) drainSoon(Math.min(MAX_DRAIN_WAIT, drainWait * 2))
      return
    }
    const leased = await store.lease({ limit, leaseMs: LEASE_MS, now: Date.now() })
    // First, so that a delivery spilled again below (its endpoint still full) marks its endpoint's backlog again.
    if (leased.length < limit) nothingDue()
    let taken = 0
    for (const delivery of leased) {
      if (held.has(delivery.id)) continue
      if (requeue(delivery) === 'queued') {
        held.add(delivery.id)
        taken++
      }
    }
    // A full lease that the engine took: more is due, lease again soon. (Not when everything was spilled back: its
    // endpoints are full, the 1 s poll will do.)
    draining = leased.length === limit && taken > 0
    if (draining) drainSoon(DRAIN_MS)
  }

  function drainSoon(wait: number): void {
    if (stopped || drainer !== undefined) return
    drainWait = wait
    drainer = setTimeout(() => {
      drainer = undefined
      run(poll)
    }, wait)
    drainer.unref?.()
  }

  if (delegates) {
    setImmediate(() =>
      run(async () => {
        await store.open?.({ onError })
        await store.run?.(worker)
      })
    )
  } else if (durable) {
    setImmediate(() => {
      run(async () => {
        await store.open?.({ onError })
        await poll()
      })
      poller = setInterval(() => run(poll), POLL_MS)
      poller.unref?.()
    })
  } else {
    run(() => store.open?.({ onError }))
  }

  function stop(): void {
    stopped = true
    clearInterval(poller)
    clearTimeout(drainer)
  }

  function enqueue(job: Job): void {
    if (buffer !== undefined) {
      buffer.add(job)
      return
    }
    if (!durable) return
    held.add(job.delivery.id)
    run(() => store.enqueue(stored(job), Date.now() + LEASE_MS))
  }

  return {
    delegates,
    spills,
    spill(job) {
      held.delete(job.delivery.id)
      run(() => store.release?.(job.delivery.id, job.dueAt))
    },
    enqueue,
    enqueueWaited(job) {
      if (!delegates) enqueue(job)
    },
    ack(job) {
      if (!durable) return
      held.delete(job.delivery.id)
      run(() => store.ack(job.delivery.id))
    },
    retryAt(job) {
      if (durable) run(() => store.retryAt(job.delivery.id, job.dueAt, job.attempts))
    },
    deadLetter(job, error) {
      held.delete(job.delivery.id)
      run(() =>
        store.deadLetter({
          ...stored(job),
          failedAt: Date.now(),
          code: isWebHookError(error) ? error.code : error.name,
          message: error.message,
          ...(job.status === undefined ? {} : { status: job.status }),
        })
      )
    },
    keep(job) {
      held.delete(job.delivery.id)
    },
    async replay(ids) {
      const deliveries = await store.takeDeadLetters(ids)
      let count = 0
      for (const delivery of deliveries) {
        if (durable) await store.enqueue(delivery, Date.now() + LEASE_MS)
        if (delegates) {
          count++
          continue
        }
        const taken = requeue(delivery)
        if (taken === 'queued' && durable) held.add(delivery.id)
        if (taken === 'queued' || taken === 'spilled') count++
      }
      return count
    },
    async deadLetters(limit) {
      return store.listDeadLetters(limit === undefined ? {} : { limit })
    },
    stop,
    async settle(ms) {
      await buffer?.settle(ms)
    },
    unsent() {
      return buffer?.take() ?? []
    },
    async close(ms) {
      stop()
      buffer?.stop()
      // A store that does not close in time (Redis away) goes on closing after close() has returned.
      await within(ms, Promise.resolve(store.close?.()).catch(onError))
    },
  }
}
