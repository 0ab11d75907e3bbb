/**
 * Writes a delivery's life through to the store. With the memory store (`durable: false`) only dead letters are
 * written: its pending deliveries are the engine's own queues. With a durable store every step is journaled, and
 * deliveries due in the store (left by a process that died, or replayed) are leased back into the engine.
 */
import type { CurrentConfig } from '../config/current.js'
import { isWebHookError } from '../errors/web-hook-error.js'
import type { Job } from './endpoint.js'
import { stored } from './job.js'
import type { Accepted } from './engine-types.js'
import { memoryStore } from './memory-store.js'
import type { QueueSettings } from '../config/normalized.js'
import { StoreBuffer } from './store-buffer.js'
import { within } from './within.js'
import { LEASE_MS, Leaser } from './journal-lease.js'
import type { WebHookDeadLetter, WebHookStore, WebHookStoredDelivery, WebHookStoreWorker } from '../contracts/store.js'

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

/** What the journal calls back in the engine (only once the engine is up: the journal is made first). */
export interface JournalDeps {
  /** Hands a stored delivery to the engine: `queued` in memory, `spilled` back to the store, or not taken. */
  requeue: (delivery: WebHookStoredDelivery) => Accepted | 'refused'
  worker: WebHookStoreWorker
  /** How many more deliveries the queue bounds have room for. */
  room: () => number
  /** A lease found fewer due deliveries than it asked for: none is left waiting in the store. */
  nothingDue: () => void
  bounds: JournalBounds
}

export function createJournal(current: CurrentConfig, deps: JournalDeps): Journal {
  return new StoreJournal(current, deps)
}

class StoreJournal implements Journal {
  readonly delegates: boolean
  readonly spills: boolean
  readonly #store: WebHookStore
  readonly #durable: boolean
  readonly #current: CurrentConfig
  readonly #deps: JournalDeps
  readonly #leaser: Leaser
  /** Redis down must neither grow memory nor lose hooks silently (issue 13): bounded, reported, returned at close. */
  readonly #buffer: StoreBuffer | undefined

  constructor(current: CurrentConfig, deps: JournalDeps) {
    const store: WebHookStore = current.resolved.store ?? memoryStore()
    this.#store = store
    this.#current = current
    this.#deps = deps
    this.#durable = store.durable
    this.delegates = store.durable && typeof store.run === 'function'
    this.spills = store.durable && !this.delegates && typeof store.release === 'function'
    const run = (step: () => unknown) => this.#run(step)
    this.#leaser = new Leaser(store, { requeue: deps.requeue, room: deps.room, nothingDue: deps.nothingDue, run })
    this.#buffer = this.delegates
      ? new StoreBuffer({
          send: async job => {
            await store.enqueue(stored(job), Date.now() + LEASE_MS)
          },
          queue: deps.bounds.queue,
          room: deps.room,
          drop: deps.bounds.drop,
        })
      : undefined
    this.#open()
  }

  /** Opens the store; then a scheduling store runs the worker, and a durable one is polled for due deliveries. */
  #open(): void {
    const store = this.#store
    const onError = (error: unknown) => this.#onError(error)
    if (this.delegates) {
      setImmediate(() =>
        this.#run(async () => {
          await store.open?.({ onError })
          await store.run?.(this.#deps.worker)
        })
      )
    } else if (this.#durable) {
      setImmediate(() => {
        this.#run(async () => {
          await store.open?.({ onError })
          await this.#leaser.poll()
        })
        this.#leaser.start()
      })
    } else {
      this.#run(() => store.open?.({ onError }))
    }
  }

  readonly #onError = (error: unknown): void => {
    this.#current.logger.error('web hook store failed', { store: this.#store.kind, error })
  }

  #run(step: () => unknown): void {
    try {
      this.#watch(step())
    } catch (error) {
      this.#onError(error)
    }
  }

  /** Logs a write's failure (each hook's: a failed transaction is reported for every write in it). */
  #watch(result: unknown): void {
    if (result instanceof Promise) result.catch(this.#onError)
  }

  spill(job: Job): void {
    this.#leaser.held.delete(job.delivery.id)
    this.#run(() => this.#store.release?.(job.delivery.id, job.dueAt))
  }

  enqueue(job: Job): void {
    if (this.#buffer !== undefined) {
      this.#buffer.add(job)
      return
    }
    if (!this.#durable) return
    this.#leaser.held.add(job.delivery.id)
    // On the call path of every durable hook: no closure for #run.
    try {
      this.#watch(this.#store.enqueue(stored(job), Date.now() + LEASE_MS))
    } catch (error) {
      this.#onError(error)
    }
  }

  enqueueWaited(job: Job): void {
    if (!this.delegates) this.enqueue(job)
  }

  ack(job: Job): void {
    if (!this.#durable) return
    this.#leaser.held.delete(job.delivery.id)
    try {
      this.#watch(this.#store.ack(job.delivery.id))
    } catch (error) {
      this.#onError(error)
    }
  }

  retryAt(job: Job): void {
    if (this.#durable) this.#run(() => this.#store.retryAt(job.delivery.id, job.dueAt, job.attempts))
  }

  deadLetter(job: Job, error: Error): void {
    this.#leaser.held.delete(job.delivery.id)
    this.#run(() =>
      this.#store.deadLetter({
        ...stored(job),
        failedAt: Date.now(),
        code: isWebHookError(error) ? error.code : error.name,
        message: error.message,
        ...(job.status === undefined ? {} : { status: job.status }),
      })
    )
  }

  keep(job: Job): void {
    this.#leaser.held.delete(job.delivery.id)
  }

  async replay(ids?: readonly string[]): Promise<number> {
    const deliveries = await this.#store.takeDeadLetters(ids)
    let count = 0
    for (const delivery of deliveries) {
      if (this.#durable) await this.#store.enqueue(delivery, Date.now() + LEASE_MS)
      if (this.delegates) {
        count++
        continue
      }
      const taken = this.#deps.requeue(delivery)
      if (taken === 'queued' && this.#durable) this.#leaser.held.add(delivery.id)
      if (taken === 'queued' || taken === 'spilled') count++
    }
    return count
  }

  async deadLetters(limit: number | undefined): Promise<WebHookDeadLetter[]> {
    return this.#store.listDeadLetters(limit === undefined ? {} : { limit })
  }

  stop(): void {
    this.#leaser.stop()
  }

  async settle(ms: number): Promise<void> {
    await this.#buffer?.settle(ms)
  }

  unsent(): Job[] {
    return this.#buffer?.take() ?? []
  }

  async close(ms: number): Promise<void> {
    this.stop()
    this.#buffer?.stop()
    // A store that does not close in time (Redis away) goes on closing after close() has returned.
    await within(
      ms,
      Promise.resolve(this.#store.close?.()).catch(error => this.#onError(error))
    )
  }
}
