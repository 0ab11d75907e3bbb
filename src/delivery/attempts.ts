/**
 * Attempts and their outcomes (issue 11): requests started up to each endpoint's concurrency, each answer settled by
 * the one outcome decider (outcome.ts) into delivered / retry / gone / vetoed / failed, and what the breaker and a 410
 * do to an endpoint.
 */
import { WebHookDeliveryError } from '../errors/delivery-error.js'
import { type Attempt, runAttempt } from './attempt.js'
import type { Endpoint, Job } from './endpoint.js'
import type { Endings } from './endings.js'
import { goneError } from './endings.js'
import type { EngineState } from './engine-state.js'
import { type OutcomeEffects, settleAttempt } from './outcome.js'

export type Attempts = ReturnType<typeof createAttempts>

export function createAttempts(state: EngineState, { giveUp, finish }: Endings) {
  const effects: OutcomeEffects = {
    get report() {
      return state.report
    },
    pause: endpoint => pause(endpoint),
  }

  /** Starts what the endpoint can start now: waited deliveries first, then the queue. */
  function pump(endpoint: Endpoint): void {
    while (endpoint.canStart()) {
      const job = endpoint.urgent.shift() ?? endpoint.queue.shift()
      if (job === undefined) return
      start(job)
    }
  }

  function start(job: Job): void {
    const { endpoint } = job
    job.attempts++
    job.inFlight = true
    endpoint.attemptStarted()
    state.inFlightJobs.add(job)
    const timeout = Math.max(1, Math.min(job.delivery.hook.timeout, job.deadline - Date.now()))
    runAttempt(state.transport, job, timeout, state.safeUrls, state.connectTimeCheck).then(settle)
  }

  function settle(attempt: Attempt): void {
    const { job } = attempt
    state.inFlightJobs.delete(job)
    if (job.done) return
    const { endpoint } = job
    job.controller = undefined
    const now = Date.now()
    const outcome = settleAttempt(attempt, effects, now)
    switch (outcome.kind) {
      case 'delivered':
        finish(job, true)
        break
      case 'gone':
        giveUp(job, attempt.error!)
        markGone(endpoint)
        break
      case 'vetoed':
        state.journal.ack(job)
        finish(job, false)
        break
      case 'retry':
        job.dueAt = now + outcome.delay
        state.journal.retryAt(job)
        endpoint.waitRetry(job)
        break
      case 'failed':
        giveUp(job, attempt.error!)
        break
    }
    endpoint.schedule()
  }

  /** The breaker opened: probe when it says, and give up the waited deliveries instead of making them wait. */
  function pause(endpoint: Endpoint): void {
    state.report.paused(endpoint)
    clearTimeout(endpoint.probeTimer)
    endpoint.probeTimer = setTimeout(
      () => {
        endpoint.probeTimer = undefined
        endpoint.breaker.halfOpen()
        pump(endpoint)
      },
      Math.max(0, endpoint.breaker.probeAt - Date.now())
    )
    // Waited deliveries do not wait for a paused endpoint; FIFO retries keep their place at the head.
    for (const job of endpoint.urgent.drain()) {
      if (job.resolve === undefined) {
        endpoint.urgent.push(job)
      } else {
        giveUp(job, new WebHookDeliveryError('ERR_WEB_HOOK_DELIVERY_PAUSED', { url: endpoint.url }))
      }
    }
  }

  /** A 410: the endpoint is retired and what waits for it is given up. */
  function markGone(endpoint: Endpoint): void {
    if (!endpoint.retire()) return
    state.report.gone(endpoint)
    for (const job of endpoint.drainWaiting()) giveUp(job, goneError(endpoint))
  }

  return { pump, pause, markGone }
}
