/**
 * The BullMQ processor of web hook jobs: keeps a call's post behind its pre to the same endpoint (checked in Redis, so
 * it holds across processes), asks the engine for one attempt, and turns the result into BullMQ's own mechanisms:
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

/** A job's data: the stored delivery; `failure` once it failed for good; `dead` for a letter written directly. */
export interface JobData extends WebHookStoredDelivery {
  failure?: Failure
  dead?: boolean
}

/** How long a pre's marker lives without being cleared (a worker that died between delivery and clean-up), ms. */
export const PRE_MARK_TTL = 7 * 24 * 3600_000
/** A marker this young whose job is not found yet is a pre being added: wait for it, ms. */
const PRE_ADDING = 30_000

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

/** The few Redis commands used on the queue's own connection (BullMQ types its client narrowly). */
export interface RedisCommands {
  get(key: string): Promise<string | null>
  set(key: string, value: string, px: 'PX', ms: number): Promise<unknown>
  pttl(key: string): Promise<number>
  del(key: string): Promise<number>
}

export async function redisOf(queue: Queue): Promise<RedisCommands> {
  return (await queue.client) as unknown as RedisCommands
}

export function preMark(queue: Queue, delivery: Pick<WebHookStoredDelivery, 'callId' | 'endpoint'>): string {
  return queue.toKey(`rwh-pre:${delivery.callId}:${delivery.endpoint}`)
}

/** How long a post must wait for its call's pre to the same endpoint, ms (0: go). */
async function preWait(queue: Queue, delivery: WebHookStoredDelivery): Promise<number> {
  const client = await redisOf(queue)
  const key = preMark(queue, delivery)
  const preId = await client.get(key)
  if (preId === null) return 0
  const state = await queue.getJobState(preId)
  if (state === 'unknown') {
    const ttl = await client.pttl(key)
    if (PRE_MARK_TTL - ttl < PRE_ADDING) return 50
  } else if (state !== 'completed' && state !== 'failed') {
    return state === 'delayed' ? 200 : 25
  }
  await client.del(key)
  return 0
}

async function postpone(job: Job, token: string | undefined, delay: number): Promise<never> {
  await job.moveToDelayed(Date.now() + delay, token)
  throw new (bullmq().DelayedError)()
}

export function createProcessor(queue: Queue, worker: WebHookStoreWorker) {
  const { UnrecoverableError } = bullmq()
  async function clearPre(delivery: WebHookStoredDelivery): Promise<void> {
    if (delivery.type === 'pre') await (await redisOf(queue)).del(preMark(queue, delivery))
  }

  return async (job: Job<JobData>, token?: string): Promise<{ status: number }> => {
    const { failure, dead, ...stored } = job.data
    if (dead === true) throw new UnrecoverableError(failure?.message ?? 'dead letter')
    const delivery: WebHookStoredDelivery = { ...stored, attempts: job.attemptsMade }
    if (delivery.type === 'post') {
      const wait = await preWait(queue, delivery)
      if (wait > 0) await postpone(job, token, wait)
    }
    const result = await worker.attempt(delivery)
    switch (result.outcome) {
      case 'delivered':
        await clearPre(delivery)
        return { status: result.status }
      case 'postponed':
        return postpone(job, token, result.delay)
      case 'retry':
        throw new RetryLater(result.error.message, result.delay)
      case 'failed': {
        const { code, error } = result
        const kept: Failure = { code, message: error.message, failedAt: Date.now() }
        if (result.status !== undefined) kept.status = result.status
        await job.updateData({ ...stored, failure: kept })
        await clearPre(delivery)
        throw new UnrecoverableError(error.message)
      }
    }
  }
}
