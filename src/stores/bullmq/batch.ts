/**
 * Enqueues in batches (issue 16): the jobs added within one turn of the event loop go to Redis in one `addBulk` (one
 * MULTI, one round trip), and each `add` resolves once Redis has confirmed the batch that holds its job, so the
 * engine's buffer keeps a delivery until Redis has it, exactly as with one `add` per job.
 */
import type { JobsOptions, Queue } from 'bullmq'
import type { JobData } from './processor.js'

/** Most jobs in one `addBulk`: a larger turn is sent in several batches. */
const MAX_BATCH = 500

interface Pending {
  name: string
  data: JobData
  opts: JobsOptions
  resolve(): void
  reject(error: unknown): void
}

export interface BatchDeps {
  queue: Queue<JobData>
  /** A batch not confirmed within this many ms fails (its jobs stay in the engine's buffer), ms. */
  timeout: number
  /** Reports a batch that timed out or failed. */
  report(error: Error, urgent: boolean): void
}

export class AddBatch {
  readonly #deps: BatchDeps
  #pending: Pending[] = []
  #scheduled = false

  constructor(deps: BatchDeps) {
    this.#deps = deps
  }

  /** Adds a job; resolves once Redis has it. */
  add(data: JobData, opts: JobsOptions): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ name: data.type, data, opts, resolve, reject })
      if (this.#pending.length >= MAX_BATCH) this.#flush()
      else if (!this.#scheduled) {
        this.#scheduled = true
        setImmediate(() => {
          this.#scheduled = false
          this.#flush()
        })
      }
    })
  }

  #flush(): void {
    const batch = this.#pending
    if (batch.length === 0) return
    this.#pending = []
    void this.#send(batch)
  }

  async #send(batch: Pending[]): Promise<void> {
    const { queue, timeout, report } = this.#deps
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(
          `no answer within ${timeout} ms to enqueue ${batch.length} job(s), ${batch[0]!.data.id}…`
        )
        report(error, true)
        reject(error)
      }, timeout)
    })
    const adding = queue.addBulk(batch.map(({ name, data, opts }) => ({ name, data, opts })))
    // A late failure, after the timeout was reported, is reported again at most every report interval.
    adding.catch(error => report(error as Error, false))
    try {
      await Promise.race([adding, late])
      for (const job of batch) job.resolve()
    } catch (error) {
      for (const job of batch) job.reject(error)
    } finally {
      clearTimeout(timer)
    }
  }
}
