/**
 * Enqueues in batches (issue 16): the jobs added within one turn of the event loop go to Redis in one `addBulk` (one
 * MULTI, one round trip), and each `add` resolves once Redis has confirmed the batch that holds its job, so the
 * engine's buffer keeps a delivery until Redis has it, exactly as with one `add` per job. The new deliveries of a turn
 * that are due now go several to a job (a batch job of up to `MAX_PER_JOB`): BullMQ's own cost per job (fetching it,
 * locking it, finishing it: two Lua scripts and a JSON parse) is then shared by them.
 */
import { randomBytes } from 'node:crypto'
import type { JobsOptions, Queue } from 'bullmq'
import { BATCH, type BatchData, type JobData } from './job-data.js'

/** Most jobs in one `addBulk`: a larger turn is sent in several batches. */
const MAX_BATCH = 500
/**
 * Most deliveries in one batch job. Past a few dozen, BullMQ's per-job cost is already small against the deliveries'
 * own, while a larger job holds more deliveries behind its slowest one and re-sends more after a crash (measured in
 * docs/performance.md: 16, 64 and 256).
 */
export const MAX_PER_JOB = 64

interface Pending {
  data: JobData
  opts: JobsOptions & { jobId: string }
  /** May share a batch job with others of its turn. */
  group: boolean
  resolve(jobId: string): void
  reject(error: unknown): void
}

export interface BatchDeps {
  queue: Queue<JobData | BatchData>
  /** A batch not confirmed within this many ms fails (its jobs stay in the engine's buffer), ms. */
  timeout: number
  /** The options of a batch job with this id. */
  batchOptions(jobId: string): JobsOptions
  /** Reports a batch that timed out or failed. */
  report(error: Error, urgent: boolean): void
}

type BulkJob = { name: string; data: JobData | BatchData; opts: JobsOptions }

export class AddBatch {
  readonly #deps: BatchDeps
  /** Batch job ids: unique to this process, then a counter (a batch is never deduplicated against another). */
  readonly #prefix = `${BATCH}.${randomBytes(6).toString('hex')}.`
  #count = 0
  #pending: Pending[] = []
  #scheduled = false

  constructor(deps: BatchDeps) {
    this.#deps = deps
  }

  /**
   * Adds a delivery; resolves once Redis has it, with the id of the job that holds it (its own id, or a batch job's
   * with `group`).
   */
  add(data: JobData, opts: JobsOptions & { jobId: string }, group = false): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.#pending.push({ data, opts, group, resolve, reject })
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

  /** The jobs of a turn: each delivery alone, or up to `MAX_PER_JOB` of those that may share a job. */
  #jobs(batch: Pending[]): { jobs: BulkJob[]; ids: string[] } {
    const jobs: BulkJob[] = []
    const ids: string[] = new Array(batch.length)
    let group: number[] = []
    /** The delivery at `index` as a job of its own id. */
    const alone = (index: number) => {
      const { data, opts } = batch[index]!
      jobs.push({ name: data.type, data, opts })
      ids[index] = opts.jobId
    }
    const close = () => {
      if (group.length === 1) alone(group[0]!)
      else if (group.length > 1) {
        const jobId = `${this.#prefix}${++this.#count}`
        const deliveries = group.map(index => batch[index]!.data)
        jobs.push({ name: BATCH, data: { deliveries }, opts: this.#deps.batchOptions(jobId) })
        for (const index of group) ids[index] = jobId
      }
      group = []
    }
    for (const [index, { group: shared }] of batch.entries()) {
      if (!shared) {
        alone(index)
        continue
      }
      group.push(index)
      if (group.length >= MAX_PER_JOB) close()
    }
    close()
    return { jobs, ids }
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
    const { jobs, ids } = this.#jobs(batch)
    const adding = queue.addBulk(jobs)
    // A late failure, after the timeout was reported, is reported again at most every report interval.
    adding.catch(error => report(error as Error, false))
    try {
      await Promise.race([adding, late])
      for (const [index, job] of batch.entries()) job.resolve(ids[index]!)
    } catch (error) {
      for (const job of batch) job.reject(error)
    } finally {
      clearTimeout(timer)
    }
  }
}
