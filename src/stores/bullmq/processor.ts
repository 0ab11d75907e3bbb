/**
 * The BullMQ processor of web hook jobs. A job holds one delivery (the layout of every job before issue 16, still that
 * of a delivery enqueued alone, retried, handed back or dead) or several (`BATCH`: see batch-processor.ts). For a job
 * of one: keeps a call's post behind its pre to the same endpoint (order.ts), asks the engine for one attempt, and
 * turns the result into BullMQ's own mechanisms: return (completed), a thrown error with the engine's delay (retry
 * with our backoff strategy), `UnrecoverableError` (failed: the dead letter), or `moveToDelayed` + `DelayedError`
 * (postponed without counting an attempt).
 */
import type { Job } from 'bullmq'
import type { WebHookStoredDelivery } from '../../contracts/store.js'
import { type WorkDeps, workBatch } from './batch-processor.js'
import { bullmq } from './driver.js'
import { BATCH, type BatchData, failureOf, type JobData, toDelivery } from './job-data.js'
import { preWait } from './order.js'

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

async function postpone(job: Job, token: string | undefined, delay: number): Promise<never> {
  await job.moveToDelayed(Date.now() + delay, token)
  throw new (bullmq().DelayedError)()
}

export function createProcessor(deps: WorkDeps) {
  const { UnrecoverableError } = bullmq()
  const { queue, worker, settled, slots } = deps

  async function workOne(job: Job<JobData>, token?: string): Promise<{ status: number }> {
    const { failure, dead } = job.data
    if (dead === true) throw new UnrecoverableError(failure?.message ?? 'dead letter')
    const stored = toDelivery(job.data)
    const delivery: WebHookStoredDelivery = { ...stored, attempts: stored.attempts + job.attemptsMade }
    const wait = await preWait(queue, settled, job.data)
    if (wait > 0) await postpone(job, token, wait)
    const result = await slots.run(() => worker.attempt(delivery))
    if (result.outcome !== 'postponed') deps.waiters.ended(delivery.endpoint)
    switch (result.outcome) {
      case 'delivered':
        settled.add(delivery)
        return { status: result.status }
      case 'postponed':
        return postpone(job, token, result.delay)
      case 'retry':
        throw new RetryLater(result.error.message, result.delay)
      case 'failed': {
        await job.updateData({ ...job.data, failure: failureOf(result) })
        settled.add(delivery)
        throw new UnrecoverableError(result.error.message)
      }
    }
  }

  return (job: Job<JobData | BatchData>, token?: string): Promise<unknown> =>
    job.name === BATCH && 'deliveries' in job.data
      ? workBatch(deps, job as Job<BatchData>)
      : workOne(job as Job<JobData>, token)
}
