/** Helpers on jobs that need no engine state: creation, their public description, flat strings. */
import type { ResolvedHook, ResolvedRetry } from '../config/normalized.js'
import type { OutgoingDelivery } from './engine-types.js'
import type { Endpoint, Job } from './endpoint.js'
import type { WebHookStoredDelivery } from '../contracts/store.js'
import type { WebHookDeliveryEventBase, WebHookDeliveryInfo } from '../contracts/delivery.js'

/**
 * A new job; `deadline` is Infinity for a fire-and-forget delivery, `retry` its hook's policy unless given. All fields
 * set, so every job has one shape.
 */
export function newJob(
  delivery: OutgoingDelivery,
  endpoint: Endpoint,
  deadline: number,
  retry: ResolvedRetry | false = delivery.hook.retry
): Job {
  return {
    delivery,
    endpoint,
    attempts: 0,
    deadline,
    retry,
    resolve: undefined,
    dueAt: 0,
    inFlight: false,
    done: false,
    controller: undefined,
    timer: undefined,
    status: undefined,
    body: undefined,
    error: undefined,
    redirectedTo: undefined,
  }
}

/** A fire-and-forget job for a delivery read back from a durable store (recovered, replayed, or run by its worker). */
export function jobFromStored(stored: WebHookStoredDelivery, hook: ResolvedHook, endpoint: Endpoint): Job {
  const { id, type, callId, method, body, createdAt, traceparent } = stored
  const delivery = { id, hook, type, callId, method, body, createdAt, traceparent }
  const job = newJob(delivery, endpoint, Number.POSITIVE_INFINITY)
  job.attempts = stored.attempts
  return job
}

/** What every delivery event starts with (the reporter's): safe URL, no header, no secret. */
export function eventBaseOf(job: Job): WebHookDeliveryEventBase {
  const { delivery } = job
  return {
    id: delivery.id,
    url: delivery.hook.displayUrl,
    type: delivery.type,
    method: delivery.method,
    callId: delivery.callId,
    attempts: job.attempts,
  }
}

/** The job as `delivery:dropped`, `close()` and the stores show it: safe URL, no header, no secret. */
export function infoOf(job: Job): WebHookDeliveryInfo {
  const { delivery } = job
  return {
    id: delivery.id,
    url: delivery.hook.displayUrl,
    type: delivery.type,
    method: delivery.method,
    callId: delivery.callId,
    body: delivery.body,
    createdAt: delivery.createdAt,
    attempts: job.attempts,
  }
}

/**
 * Strings built by appending (nanoid's ids, a body assembled in pieces) are V8 cons-string trees: about 300 extra
 * bytes per queued delivery for its id and callId, 140 for its body (docs/performance.md). Converting to a number makes
 * V8 flatten them in place (the `flatstr` trick); on a flat string it stops at the first character.
 */
export function flatten(delivery: OutgoingDelivery): void {
  Number(delivery.id)
  Number(delivery.callId)
  Number(delivery.body)
}

/**
 * The job as a store keeps it: what events show (`infoOf`'s fields, in its order), plus its queue key and due time.
 * Written out as literals, not spread from `infoOf`: it is made once per durable hook on the call path, and an object
 * of one fixed shape is cheaper to build and for a store to read (issue 16).
 */
export function stored(job: Job): WebHookStoredDelivery {
  const { delivery } = job
  const { id, type, method, callId, body, createdAt, traceparent } = delivery
  const url = delivery.hook.displayUrl
  const endpoint = delivery.hook.endpoint
  const attempts = job.attempts
  const notBefore = job.dueAt
  return traceparent === undefined
    ? { id, url, type, method, callId, body, createdAt, attempts, endpoint, notBefore }
    : { id, url, type, method, callId, body, createdAt, attempts, endpoint, notBefore, traceparent }
}
