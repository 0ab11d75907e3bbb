/**
 * The BullMQ processor of web hook jobs: keeps a call's post behind its pre to the same endpoint (the pre's job state,
 * checked in Redis, so it holds across processes), asks the engine for one attempt, and turns the result into BullMQ's own mechanisms:
 * return (completed), a thrown error with the engine's delay (retry with our backoff strategy), `UnrecoverableError`
 * (failed: the dead letter), or `moveToDelayed` + `DelayedError` (postponed without counting an attempt).
 */
import type { Job, Queue } from 'bullmq'
import type { WebHookStoredDelivery, WebHookStoreWorker } from '../../delivery/store-types.js'
import { bullmq } from './driver.js'

/** What a dead letter keeps beyond the delivery. */
export interface Failure {
  code: string
  message: string
  status?: number
  failedAt: number
}

/**
 * A job's data: the stored delivery; `after`: the job id of its call's pre to the same endpoint, which goes first;
 * `failure` once it failed for good; `dead` for a letter written directly.
 */
export interface JobData extends WebHookStoredDelivery {
  after?: string
  failure?: Failure
  dead?: boolean
}

/** A failed attempt with the delay the engine chose; read by the queue's backoff strategy. */
export class RetryLater extends Error {
  override name = 'WebHookRetryLater'
  constructor(
    message: string,
    readonly delay: number
  ) {
    super(message)
  }
}

/** The BullMQ backoff strategy of web hook jobs: the delay the engine chose for this attempt. */
export function backoffStrategy(_attemptsMade: number, _type?: string, error?: Error): number {
  return error instanceof RetryLater ? error.delay : 1000
}

/**
 * How long a post must wait for its call's pre to the same endpoint, ms (0: go). The post names its pre's job
 * (`after`, set by the process that enqueued both, issue 16): it goes once that job is completed (then removed:
 * `unknown`, as the post was only added after Redis confirmed its pre) or failed (a dead letter).
 */
async function preWait(queue: Queue, after: string): Promise<number> {
  const state = await queue.getJobState(after)
  if (state === 'unknown' || state === 'completed' || state === 'failed') return 0
  return state === 'delayed' ? 200 : 25
}

async function postpone(job: Job, token: string | undefined, delay: number): Promise<never> {
  await job.moveToDelayed(Date.now() + delay, token)
  throw new (bullmq().DelayedError)()
}

export function createProcessor(queue: Queue, worker: WebHookStoreWorker) {
  const { UnrecoverableError } = bullmq()

  return async (job: Job<JobData>, token?: string): Promise<{ status: number }> => {
    const { failure, dead, after, ...stored } = job.data
    if (dead === true) throw new UnrecoverableError(failure?.message ?? 'dead letter')
    const delivery: WebHookStoredDelivery = { ...stored, attempts: job.attemptsMade }
    if (after !== undefined) {
      const wait = await preWait(queue, after)
      if (wait > 0) await postpone(job, token, wait)
    }
    const result = await worker.attempt(delivery)
    switch (result.outcome) {
      case 'delivered':
        return { status: result.status }
      case 'postponed':
        return postpone(job, token, result.delay)
      case 'retry':
        throw new RetryLater(result.error.message, result.delay)
      case 'failed': {
        const { code, error } = result
        const kept: Failure = { code, message: error.message, failedAt: Date.now() }
        if (result.status !== undefined) kept.status = result.status
        await job.updateData({ ...job.data, failure: kept })
        throw new UnrecoverableError(error.message)
      }
    }
  }
}
