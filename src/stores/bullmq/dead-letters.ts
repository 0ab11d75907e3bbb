/** Dead letters of the BullMQ store: its failed jobs, listed, taken out, or retried in place (issue 7). */
import type { Job, Queue } from 'bullmq'
import type { WebHookDeadLetter, WebHookStoredDelivery } from '../../delivery/store-types.js'
import type { JobData } from './processor.js'

export function toDelivery(data: JobData): WebHookStoredDelivery {
  const { failure: _failure, dead: _dead, after: _after, ...delivery } = data
  return delivery
}

function toLetter(job: Job<JobData>): WebHookDeadLetter {
  const { failure } = job.data
  return {
    ...toDelivery(job.data),
    attempts: job.attemptsMade,
    failedAt: failure?.failedAt ?? job.finishedOn ?? job.timestamp,
    code: failure?.code ?? 'ERR_WEB_HOOK_DELIVERY_FAILED',
    message: failure?.message ?? job.failedReason,
    ...(failure?.status === undefined ? {} : { status: failure.status }),
  }
}

async function failedJobs(queue: Queue<JobData>, ids: readonly string[] | undefined, limit = -1) {
  if (ids === undefined) return queue.getJobs(['failed'], 0, limit, true)
  const jobs = await Promise.all(ids.map(id => queue.getJob(id)))
  const found: Job<JobData>[] = []
  for (const job of jobs) if (job !== undefined && (await job.isFailed())) found.push(job)
  return found
}

export async function listDeadLetters(queue: Queue<JobData>, limit?: number): Promise<WebHookDeadLetter[]> {
  return (await failedJobs(queue, undefined, limit === undefined ? -1 : limit - 1)).map(toLetter)
}

export async function takeDeadLetters(queue: Queue<JobData>, ids?: readonly string[]) {
  const taken: WebHookStoredDelivery[] = []
  for (const job of await failedJobs(queue, ids)) {
    await job.remove()
    taken.push({ ...toDelivery(job.data), attempts: 0, notBefore: 0 })
  }
  return taken
}

export async function replayDeadLetters(queue: Queue<JobData>, ids?: readonly string[]): Promise<string[]> {
  const replayed: string[] = []
  for (const job of await failedJobs(queue, ids)) {
    await job.updateData(toDelivery(job.data))
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true })
    replayed.push(job.id!)
  }
  return replayed
}
