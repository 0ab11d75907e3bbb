/**
 * How a delivery becomes a job (issue 16): a new one due now may share a batch job with the others of its turn; a
 * delayed one, a retry or a dead letter is a job of its own, whose id is the delivery's.
 */
import type { JobsOptions } from 'bullmq'
import { AddBatch, type BatchDeps } from './batch.js'
import type { Failure, JobData } from './job-data.js'

/** More attempts than any retry policy allows: the engine's policy decides when a delivery fails for good. */
const MAX_ATTEMPTS = 10_000

export interface JobsDeps extends Omit<BatchDeps, 'batchOptions'> {
  /** Failed jobs kept (the dead letters). */
  maxDeadLetters: number
}

export class Jobs {
  readonly #batch: AddBatch
  readonly #maxDeadLetters: number

  constructor(deps: JobsDeps) {
    this.#maxDeadLetters = deps.maxDeadLetters
    this.#batch = new AddBatch({ ...deps, batchOptions: jobId => this.#options(jobId, MAX_ATTEMPTS, 0) })
  }

  #options(jobId: string, attempts: number, delay: number): JobsOptions & { jobId: string } {
    return {
      jobId,
      attempts,
      delay,
      backoff: { type: 'web-hook' },
      removeOnComplete: true,
      removeOnFail: { count: this.#maxDeadLetters },
    }
  }

  /** Adds a new delivery; resolves with the id of the job that holds it once Redis has it. */
  add(data: JobData, delay: number): Promise<string> {
    return this.#batch.add(data, this.#options(data.id, MAX_ATTEMPTS, delay), delay === 0)
  }

  /** Adds a delivery as a job of its own id, due in `delay` ms (a retry, a delivery handed back). */
  readonly alone = (data: JobData, delay: number): Promise<string> =>
    this.#batch.add(data, this.#options(data.id, MAX_ATTEMPTS, Math.max(0, delay)), false)

  /** Adds a delivery's dead letter: a job of its own id that fails at once. */
  readonly dead = (data: JobData, failure: Failure): Promise<string> =>
    this.#batch.add({ ...data, failure, dead: true }, this.#options(data.id, 1, 0), false)
}
