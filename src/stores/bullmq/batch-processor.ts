/**
 * The work of a `BATCH` job (issue 16): its deliveries attempted concurrently, within the process's slots (slots.ts)
 * and each endpoint's own concurrency (the engine answers `postponed` past it). A delivered one is done with its job;
 * one that needs a retry, or must wait longer than `LOCAL_WAIT` (a paused endpoint, a pre still pending), becomes a
 * job of its own id, due when it may go, so it stays one id and frees the worker; one that failed for good becomes its
 * dead letter, one job of its own as before. The batch job completes once Redis has all of those. Once the store
 * closes, the deliveries not started yet are handed back too, so `close()` waits only for those in flight.
 */
import type { Job, Queue } from 'bullmq'
import type { WebHookStoreWorker } from '../../contracts/store.js'
import { type BatchData, type Failure, failureOf, type JobData, toDelivery } from './job-data.js'
import type { EndpointWaiters } from './endpoint-waiters.js'
import { preWait, type Settled } from './order.js'
import type { Slots } from './slots.js'

/** Longest a delivery waits inside its batch job, in all, before it is handed back as a job of its own, ms. */
const LOCAL_WAIT = 1000
/**
 * A postponement this short is the endpoint at its `concurrency` in this process (store-worker.ts' shortest): the
 * delivery waits for one of its attempts to end (`EndpointWaiters`), or this long at most, ms.
 */
const BUSY_POSTPONE = 10
const BUSY_WAIT = 200

export interface WorkDeps {
  queue: Queue
  worker: WebHookStoreWorker
  settled: Settled
  /** Attempts in flight in this process, all jobs together (the `concurrency` option). */
  slots: Slots
  /** Deliveries waiting for their endpoint's `concurrency` in this process. */
  waiters: EndpointWaiters
  /** Adds a delivery as a job of its own id, due in `delay` ms; resolves once Redis has it. */
  alone(data: JobData, delay: number): Promise<unknown>
  /** Adds the dead letter of a delivery; resolves once Redis has it. */
  dead(data: JobData, failure: Failure): Promise<unknown>
  /** Whether the store is closing: no attempt is started then. */
  closing(): boolean
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** One delivery of a batch, to its end within the batch: delivered, handed back, or dead. */
async function workOne(deps: WorkDeps, data: JobData): Promise<void> {
  const { queue, worker, settled, slots, waiters } = deps
  const delivery = toDelivery(data)
  const since = Date.now()
  for (;;) {
    let wait = await preWait(queue, settled, data)
    if (wait === 0) {
      const result = await slots.run(async () => (deps.closing() ? undefined : worker.attempt(delivery)))
      if (result === undefined) {
        await deps.alone(data, 0)
        return
      }
      if (result.outcome !== 'postponed') waiters.ended(data.endpoint)
      switch (result.outcome) {
        case 'delivered':
          settled.add(data)
          return
        case 'retry':
          // Its own job from now on, the engine's retry policy counting this attempt.
          await deps.alone({ ...data, attempts: delivery.attempts + 1 }, result.delay)
          return
        case 'failed':
          await deps.dead({ ...delivery, attempts: delivery.attempts + 1 }, failureOf(result))
          settled.add(data)
          return
        case 'postponed':
          wait = result.delay
      }
    }
    const waited = Date.now() - since
    if (waited + wait > LOCAL_WAIT) {
      await deps.alone(data, wait)
      return
    }
    if (wait <= BUSY_POSTPONE) await waiters.wait(data.endpoint, Math.min(BUSY_WAIT, LOCAL_WAIT - waited))
    else await sleep(wait)
  }
}

export async function workBatch(deps: WorkDeps, job: Job<BatchData>): Promise<{ deliveries: number }> {
  const { deliveries } = job.data
  if (job.attemptsStarted > 1 || job.stalledCounter > 0 || job.attemptsMade > 0) {
    // Run again after its worker died (or its work failed on Redis): some may have been delivered, so each goes
    // again alone, with its id (at least once); a delivery that crashes its workers then fails alone.
    await Promise.all(deliveries.map(data => deps.alone(data, 0)))
    return { deliveries: deliveries.length }
  }
  const settled = await Promise.allSettled(deliveries.map(data => workOne(deps, data)))
  for (const result of settled) if (result.status === 'rejected') throw result.reason
  return { deliveries: deliveries.length }
}
