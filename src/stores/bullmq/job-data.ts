/**
 * What the BullMQ store keeps in a job (issue 7, issue 16): one delivery, or several in a `BATCH` job.
 */
import type { WebHookStoreAttemptResult, WebHookStoredDelivery } from '../../contracts/store.js'

/** What a dead letter keeps beyond the delivery. */
export interface Failure {
  code: string
  message: string
  status?: number
  failedAt: number
}

/**
 * A job's data: the stored delivery (`attempts`: those made before this job; 0 when enqueued); `after`: the delivery
 * id of its call's pre to the same endpoint, which goes first, and `afterJob` the batch job that held that pre;
 * `failure` once it failed for good; `dead` for a letter written directly.
 */
export interface JobData extends WebHookStoredDelivery {
  after?: string
  afterJob?: string
  failure?: Failure
  dead?: boolean
}

/** The name of a job holding several deliveries. */
export const BATCH = 'batch'

/** The data of a `BATCH` job: its deliveries, in the order they were enqueued. */
export interface BatchData {
  deliveries: JobData[]
}

/** The delivery of a job's data, without what the store adds. */
export function toDelivery(data: JobData): WebHookStoredDelivery {
  const { failure: _failure, dead: _dead, after: _after, afterJob: _afterJob, ...delivery } = data
  return delivery
}

/** What a dead letter keeps of an attempt that failed for good. */
export function failureOf(result: WebHookStoreAttemptResult & { outcome: 'failed' }): Failure {
  const { code, error } = result
  const kept: Failure = { code, message: error.message, failedAt: Date.now() }
  if (result.status !== undefined) kept.status = result.status
  return kept
}
