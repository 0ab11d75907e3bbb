/**
 * Attempts and their outcomes (issue 11): requests started up to each endpoint's concurrency, each answer settled by
 * the one outcome decider (outcome.ts) into delivered / retry / gone / vetoed / failed. What the breaker and a 410 do
 * to an endpoint is health.ts's.
 */
import { type Attempt, runAttempt } from './attempt.js'
import type { Endpoint, Job } from './endpoint.js'
import type { Endings } from './endings.js'
import type { EngineState } from './engine-state.js'
import type { Health } from './health.js'
import { type OutcomeEffects, settleAttempt } from './outcome.js'

export type Attempts = ReturnType<typeof createAttempts>

export function createAttempts(state: EngineState, { giveUp, finish }: Endings, health: Health) {
  const effects: OutcomeEffects = {
    get report() {
      return state.report
    },
    pause: endpoint => health.pause(endpoint),
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
        health.markGone(endpoint)
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

  return { pump }
}
