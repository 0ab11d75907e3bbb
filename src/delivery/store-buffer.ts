/**
 * What waits for a store that schedules deliveries itself (BullMQ) to confirm it has them (issue 13, item 1): a
 * bounded local buffer. A delivery stays here until its `enqueue` resolves; while the store fails (Redis down), new
 * ones wait here behind the failed ones, and the buffer is flushed in order, a chunk at a time, once an enqueue goes
 * through again. The buffer counts against the queue bounds (`queue.maxSize`, `queue.maxSizePerEndpoint`) and applies
 * the overflow policy, each drop reported as any other (`delivery:dropped` with its body, `onError`, the logger); what
 * is still here at `close()` is returned in `undelivered`.
 */
import type { QueueSettings } from '../config/normalized.js'
import type { Job } from './endpoint.js'

/** After a failed enqueue, the buffer is tried again after this many ms, doubled up to `MAX_RETRY_MS`. */
const RETRY_MS = 250
const MAX_RETRY_MS = 2000
/** Deliveries sent to the store at once when flushing. */
const CHUNK = 256

export interface StoreBufferDeps {
  /** Sends one delivery to the store; resolves once the store has it. */
  send(job: Job): Promise<void>
  /** The queue bounds and overflow policy of the moment. */
  queue(): QueueSettings
  /** Room the engine's own queues leave under `queue.maxSize` (waited deliveries). */
  room(): number
  /** Drops a delivery the bounds leave no room for (reported by the engine). */
  drop(job: Job): void
}

interface Entry {
  job: Job
  /** An enqueue of it is under way. */
  sending: boolean
}

export class StoreBuffer {
  readonly #deps: StoreBufferDeps
  /** Unconfirmed deliveries, oldest first. */
  readonly #entries = new Map<string, Entry>()
  readonly #perEndpoint = new Map<string, number>()
  /** An enqueue failed: new deliveries wait behind the failed ones until a flush goes through. */
  #failing = false
  #retryMs = RETRY_MS
  #timer: ReturnType<typeof setTimeout> | undefined
  #flushing = false
  #stopped = false
  #settled: (() => void) | undefined

  constructor(deps: StoreBufferDeps) {
    this.#deps = deps
  }

  /** Deliveries not confirmed by the store. */
  get size(): number {
    return this.#entries.size
  }

  add(job: Job): void {
    if (!this.#fits(job)) return
    const entry: Entry = { job, sending: false }
    this.#entries.set(job.delivery.id, entry)
    const key = job.endpoint.key
    this.#perEndpoint.set(key, (this.#perEndpoint.get(key) ?? 0) + 1)
    if (!this.#failing && !this.#stopped) void this.#send(entry)
  }

  /** Whether the job fits the bounds, after evicting the oldest waiting delivery under `drop-oldest`. */
  #fits(job: Job): boolean {
    const queue = this.#deps.queue()
    const key = job.endpoint.key
    const endpointFull = (this.#perEndpoint.get(key) ?? 0) >= queue.maxSizePerEndpoint
    if (!endpointFull && this.#entries.size < this.#deps.room()) return true
    if (queue.overflow === 'drop-oldest') {
      for (const entry of this.#entries.values()) {
        if (entry.sending || (endpointFull && entry.job.endpoint.key !== key)) continue
        this.#remove(entry.job)
        this.#deps.drop(entry.job)
        return true
      }
    }
    this.#deps.drop(job)
    return false
  }

  #remove(job: Job): void {
    if (!this.#entries.delete(job.delivery.id)) return
    const key = job.endpoint.key
    const left = (this.#perEndpoint.get(key) ?? 1) - 1
    if (left > 0) this.#perEndpoint.set(key, left)
    else this.#perEndpoint.delete(key)
  }

  async #send(entry: Entry): Promise<boolean> {
    entry.sending = true
    try {
      await this.#deps.send(entry.job)
      this.#remove(entry.job)
      return true
    } catch {
      this.#failed()
      return false
    } finally {
      entry.sending = false
      this.#check()
    }
  }

  #failed(): void {
    this.#failing = true
    if (this.#timer !== undefined || this.#flushing || this.#stopped) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      void this.#flush()
    }, this.#retryMs)
    this.#timer.unref?.()
    this.#retryMs = Math.min(MAX_RETRY_MS, this.#retryMs * 2)
  }

  /** Sends what waits, in order, a chunk at a time; stops at the first chunk with a failure (retried later). */
  async #flush(): Promise<void> {
    if (this.#flushing) return
    this.#flushing = true
    let ok = true
    try {
      while (ok && !this.#stopped) {
        const chunk: Entry[] = []
        for (const entry of this.#entries.values()) {
          if (entry.sending) continue
          chunk.push(entry)
          if (chunk.length === CHUNK) break
        }
        if (chunk.length === 0) break
        // Started in order, synchronously: a call's pre is handed to the store before its post.
        const sent = await Promise.all(chunk.map(entry => this.#send(entry)))
        ok = sent.every(Boolean)
      }
    } finally {
      this.#flushing = false
    }
    if (ok) {
      this.#failing = false
      this.#retryMs = RETRY_MS
    } else {
      this.#failed()
    }
    this.#check()
  }

  #check(): void {
    if (this.#settled === undefined) return
    for (const entry of this.#entries.values()) if (entry.sending) return
    if (this.#entries.size === 0 || this.#failing) this.#settled()
  }

  /**
   * Close: tries what waits once more, and resolves when nothing is being sent and nothing is left (or the store still
   * fails), or after `ms`. Then stops: nothing more is sent.
   */
  async settle(ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined
    await new Promise<void>(resolve => {
      this.#settled = resolve
      timer = setTimeout(resolve, ms)
      if (this.#failing) {
        clearTimeout(this.#timer)
        this.#timer = undefined
        this.#failing = false
        void this.#flush()
      } else {
        this.#check()
      }
    })
    clearTimeout(timer)
    this.#settled = undefined
    this.stop()
  }

  stop(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  /** What the store never confirmed, oldest first; the buffer is emptied. */
  take(): Job[] {
    const jobs = [...this.#entries.values()].map(entry => entry.job)
    this.#entries.clear()
    this.#perEndpoint.clear()
    return jobs
  }
}
