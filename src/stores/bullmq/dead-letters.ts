/**
 * Dead letters of the BullMQ store: its failed jobs, listed, taken out, or retried in place (issue 7). A dead letter is
 * one delivery's job. A batch job (issue 16) fails as a whole only if its worker died with `maxStalledCount: 0` (else
 * it is run again, each delivery alone): its deliveries are then listed as dead letters each, and taken or replayed
 * together.
 */
import type { Job, Queue } from 'bullmq'
import type { WebHookDeadLetter, WebHookStoredDelivery } from '../../contracts/store.js'
import { BATCH, type BatchData, type JobData, toDelivery } from './job-data.js'

type StoreJob = Job<JobData | BatchData>

const isBatch = (job: StoreJob): job is Job<BatchData> => job.name === BATCH && 'deliveries' in job.data

function toLetter(job: Job<JobData>): WebHookDeadLetter {
  const { failure, dead } = job.data
  return {
    ...toDelivery(job.data),
    // A letter written directly (`dead`) has its attempts in its data; a job that failed, those before it too.
    attempts: dead === true ? job.data.attempts : job.data.attempts + job.attemptsMade,
    failedAt: failure?.failedAt ?? job.finishedOn ?? job.timestamp,
    code: failure?.code ?? 'ERR_WEB_HOOK_DELIVERY_FAILED',
    message: failure?.message ?? job.failedReason,
    ...(failure?.status === undefined ? {} : { status: failure.status }),
  }
}

function lettersOf(job: StoreJob): WebHookDeadLetter[] {
  if (!isBatch(job)) return [toLetter(job as Job<JobData>)]
  const failedAt = job.finishedOn ?? job.timestamp
  return job.data.deliveries.map(data => ({
    ...toDelivery(data),
    failedAt,
    code: 'ERR_WEB_HOOK_DELIVERY_FAILED',
    message: job.failedReason,
  }))
}

const deliveriesOf = (job: StoreJob): JobData[] => (isBatch(job) ? job.data.deliveries : [job.data as JobData])

async function failedJobs(queue: Queue, ids: readonly string[] | undefined, limit = -1): Promise<StoreJob[]> {
  if (ids === undefined) return queue.getJobs(['failed'], 0, limit, true)
  const jobs = await Promise.all(ids.map(id => queue.getJob(id)))
  const found: StoreJob[] = []
  for (const job of jobs) if (job !== undefined && (await job.isFailed())) found.push(job)
  if (found.length < ids.length) {
    // Not a letter of its own: maybe in a batch job that failed as a whole (rare: scanned only then).
    const wanted = new Set(ids)
    for (const job of await queue.getJobs(['failed'], 0, -1, true)) {
      if (isBatch(job) && job.data.deliveries.some(data => wanted.has(data.id))) found.push(job)
    }
  }
  return found
}

export async function listDeadLetters(queue: Queue, limit?: number): Promise<WebHookDeadLetter[]> {
  const letters = (await failedJobs(queue, undefined, limit === undefined ? -1 : limit - 1)).flatMap(lettersOf)
  return limit === undefined ? letters : letters.slice(0, limit)
}

export async function takeDeadLetters(queue: Queue, ids?: readonly string[]) {
  const taken: WebHookStoredDelivery[] = []
  for (const job of await failedJobs(queue, ids)) {
    await job.remove()
    for (const data of deliveriesOf(job)) taken.push({ ...toDelivery(data), attempts: 0, notBefore: 0 })
  }
  return taken
}

export async function replayDeadLetters(queue: Queue, ids?: readonly string[]): Promise<string[]> {
  const replayed: string[] = []
  for (const job of await failedJobs(queue, ids)) {
    // Attempts start again from 0 (BullMQ's count is reset; the count carried in the data too).
    if (!isBatch(job)) await job.updateData({ ...toDelivery(job.data as JobData), attempts: 0 })
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true })
    for (const data of deliveriesOf(job)) replayed.push(data.id)
  }
  return replayed
}
