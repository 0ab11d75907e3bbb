/**
 * What an attempt's answer means, decided once for every store: `delivered`, `retry` (after a delay: the receiver's
 * `Retry-After` or the policy's backoff), `gone` (410: the endpoint is retired), `vetoed` (a veto hook's refusal: the
 * gate working, not a failure) or `failed` (given up). The effects
 * every store shares follow from it here too: the endpoint's counters and latency, its breaker, its rate-limit pause
 * and adaptive concurrency (`throttle.ts`), and the events, logs and history (`history.ts`) of the attempt. What differs is only where the delivery goes next, which the caller does with the outcome:
 * the in-memory loop (`loop.ts`) queues the retry or ends the job; a store that schedules itself (`store-worker.ts`)
 * hands the outcome back to the store.
 */
import type { Attempt } from './attempt.js'
import type { Endpoint, Job } from './endpoint.js'
import type { Reporter } from './report.js'
import { nextDelay, retriesOf } from './retry.js'
import { isRateLimit } from './throttle.js'
import type { WebHookDeliveryFailure } from '../contracts/delivery.js'
import { isVetoRefusal } from '../veto/refusal.js'

export type Outcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; delay: number; attemptsLeft: number }
  | { kind: 'gone' }
  | { kind: 'vetoed'; status: number }
  | { kind: 'failed' }

/**
 * The pure decision (the retry policy is the job's: a waited hook's own, else one attempt): retried while the error is retryable, retries are left and the retry can start before the job's
 * deadline (a waited delivery's; `Infinity` otherwise).
 */
export function decideOutcome(attempt: Attempt, now: number): Outcome {
  const { job } = attempt
  if (attempt.error === undefined) return { kind: 'delivered' }
  if (attempt.status === 410) return { kind: 'gone' }
  if (job.delivery.hook.veto && job.delivery.type === 'pre' && isVetoRefusal(attempt.status)) {
    return { kind: 'vetoed', status: attempt.status }
  }
  const policy = job.retry
  const attemptsLeft = attempt.retryable ? retriesOf(policy) - (job.attempts - 1) : 0
  if (attemptsLeft <= 0 || policy === false) return { kind: 'failed' }
  const delay = nextDelay(policy, job.attempts, attempt.retryAfter)
  return now + delay < job.deadline - 1 ? { kind: 'retry', delay, attemptsLeft } : { kind: 'failed' }
}

export interface OutcomeEffects {
  report: Reporter
  /** Pauses an endpoint whose breaker has just opened. */
  pause(endpoint: Endpoint): void
}

/**
 * Records a finished attempt on its job and endpoint, decides its outcome and applies the effects shared by every
 * store: counters, latency, breaker, `delivery:succeeded` / `delivery:failed` (the attempt) events. Giving up
 * (`delivery:given-up`, the dead letter) and retiring a 410 endpoint are the caller's, with {@link giveUpEffects}.
 */
export function settleAttempt(attempt: Attempt, effects: OutcomeEffects, now = Date.now()): Outcome {
  const { job } = attempt
  const { endpoint } = job
  const { report } = effects
  job.inFlight = false
  endpoint.attemptEnded()
  job.status = attempt.status
  job.body = attempt.body
  job.error = attempt.error
  const outcome = decideOutcome(attempt, now)
  switch (outcome.kind) {
    case 'delivered':
      endpoint.deliveredOne(attempt.duration)
      endpoint.throttle.succeeded()
      if (endpoint.breaker.success()) report.resumed(endpoint)
      report.succeeded(job, attempt.duration)
      job.delivery.hook.telemetry?.count('delivered', job.delivery, endpoint.url)
      break
    case 'gone':
      report.failed(job, 0, undefined)
      break
    case 'vetoed':
      // The gate answered no: it works. Not a failure (no retry, no breaker count, no give-up, no onError).
      job.error = undefined
      if (endpoint.breaker.success()) report.resumed(endpoint)
      report.vetoed(job, outcome.status)
      job.delivery.hook.telemetry?.count('vetoed', job.delivery, endpoint.url)
      break
    case 'retry':
      slowDownOrFail(attempt, effects, now)
      endpoint.retriedOne()
      report.failed(job, outcome.attemptsLeft, now + outcome.delay)
      break
    case 'failed':
      slowDownOrFail(attempt, effects, now)
      report.failed(job, 0, undefined)
      break
  }
  report.attempted({ job, outcome: outcome.kind, duration: attempt.duration, error: job.error })
  return outcome
}

/**
 * A failed attempt either asks the endpoint to slow down (a rate limit: the whole endpoint waits until `Retry-After`,
 * or the policy's next delay, and its concurrency halves; the breaker does not count it) or counts against the
 * breaker, which may pause the endpoint.
 */
function slowDownOrFail(attempt: Attempt, effects: OutcomeEffects, now: number): void {
  const { job } = attempt
  const { endpoint } = job
  if (isRateLimit(attempt.status, attempt.retryAfter)) {
    const policy = job.retry
    endpoint.rateLimited(
      policy === false ? (attempt.retryAfter ?? 1000) : nextDelay(policy, job.attempts, attempt.retryAfter)
    )
  } else if (endpoint.breaker.failure(now)) {
    effects.pause(endpoint)
  }
}

/** What giving a delivery up means for every store: counted as failed, `delivery:given-up`, `onError`. */
export function giveUpEffects(job: Job, error: WebHookDeliveryFailure, report: Reporter): void {
  job.error = error
  job.endpoint.failedOne()
  report.givenUp(job, error)
  job.delivery.hook.telemetry?.count('given_up', job.delivery, job.endpoint.url)
}
