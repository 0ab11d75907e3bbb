/**
 * The delivery loop of the engine (issue 3): intake into the endpoint queues under the memory bounds, requests started
 * up to each endpoint's concurrency, their outcomes (success, retry, 410, breaker) and the endings of jobs (given up,
 * dropped, finished). The engine (engine.ts) owns the state it shares with this loop and the public API.
 */
import { WebHookDeliveryError } from '../errors/delivery-error.js'
import type { SafeUrlPolicy } from '../security/safe-url.js'
import { type Attempt, runAttempt } from './attempt.js'
import type { Endpoint, Job } from './endpoint.js'
import { infoOf } from './job.js'
import type { Accepted } from './engine-types.js'
import type { Journal } from './journal.js'
import type { Reporter } from './report.js'
import type { QueueSettings } from '../config/normalized.js'
import { giveUpEffects, type OutcomeEffects, settleAttempt } from './outcome.js'
import type { WebHookDeliveryFailure, WebHookDropReason, WebHookTransport } from './types.js'

/** What the loop shares with its engine: options `configure` may replace, counters, and the collaborators. */
export interface LoopState {
  queue: QueueSettings
  safeUrls: SafeUrlPolicy | undefined
  transport: WebHookTransport
  /**
   * The transport checks safe URLs at connect time, on the address it connects to (the default transport without a
   * proxy); otherwise each target is resolved and checked just before its request.
   */
  connectTimeCheck: boolean
  readonly report: Reporter
  /** Set once, right after the loop is made (the journal needs the loop's `accept`). */
  journal: Journal
  readonly endpoints: Map<string, Endpoint>
  /** Fire-and-forget deliveries accepted and not finished, all endpoints (bounded by `queue.maxSize`). */
  pendingTotal: number
  droppedTotal: number
  /** Jobs not finished, waited ones included (`close()` drains until it is 0). */
  active: number
  closing: boolean
  /** Called when `active` falls to 0 while closing. */
  drained: (() => void) | undefined
  readonly inFlightJobs: Set<Job>
}

export type Loop = ReturnType<typeof createLoop>

/** Where `accept` put a job. */

export function createLoop(state: LoopState) {
  const effects: OutcomeEffects = {
    get report() {
      return state.report
    },
    pause: endpoint => pause(endpoint),
  }

  // -- intake -----------------------------------------------------------------------------------------------------

  /**
   * Queues a fire-and-forget job (from `enqueue`, or `stored`: leased from a durable store). Says where it went: `queued`
   * (in memory: queued, or ended at once for a 410 endpoint), `spilled` (left in a durable store that can take it back,
   * `journal.spills`) or `dropped` (the overflow policy).
   */
  function accept(job: Job, stored = false): Accepted {
    const { endpoint, delivery } = job
    const full =
      !endpoint.gone &&
      (endpoint.pending >= state.queue.maxSizePerEndpoint || state.pendingTotal >= state.queue.maxSize)
    // While some of the endpoint's deliveries wait in the store, new ones wait behind them (see `Endpoint.backlog`).
    if (state.journal.spills && (full || (endpoint.backlog && !stored))) {
      spill(job)
      return 'spilled'
    }
    if (full) {
      const victim = state.queue.overflow === 'drop-oldest' ? oldestFor(endpoint) : undefined
      if (victim === undefined) {
        drop(job, 'overflow', false)
        return 'dropped'
      }
      drop(victim, 'overflow', true)
    }
    state.active++
    endpoint.pending++
    state.pendingTotal++
    if (endpoint.gone) {
      giveUp(job, goneError(endpoint))
      return 'queued'
    }
    if (delivery.type === 'pre') endpoint.holdPre(delivery.callId)
    else if (endpoint.parkPost(job)) return 'queued'
    if (job.dueAt > Date.now()) endpoint.waitRetry(job)
    else endpoint.queue.push(job)
    schedule(endpoint)
    return 'queued'
  }

  /** Leaves a job in the durable store, unleased: the journal leases it back when the bounds have room. */
  function spill(job: Job): void {
    const { endpoint } = job
    endpoint.backlog = true
    endpoint.spilled++
    state.journal.spill(job)
  }

  function oldestFor(endpoint: Endpoint): Job | undefined {
    if (endpoint.pending >= state.queue.maxSizePerEndpoint) return endpoint.evictOldest()
    let largest: Endpoint | undefined
    for (const other of state.endpoints.values())
      if (largest === undefined || other.pending > largest.pending) largest = other
    return (endpoint.pending > 0 ? endpoint.evictOldest() : undefined) ?? largest?.evictOldest()
  }

  // -- dispatch ---------------------------------------------------------------------------------------------------

  /** Starts requests on the next turn of the event loop, so the API call that queued them never waits. */
  function schedule(endpoint: Endpoint): void {
    if (endpoint.scheduled) return
    endpoint.scheduled = true
    setImmediate(() => {
      endpoint.scheduled = false
      pump(endpoint)
    })
  }

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
    endpoint.inFlight++
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
    schedule(endpoint)
  }

  // -- breaker and 410 --------------------------------------------------------------------------------------------

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

  function goneError(endpoint: Endpoint): WebHookDeliveryError {
    return new WebHookDeliveryError('ERR_WEB_HOOK_DELIVERY_GONE', { url: endpoint.url, status: 410 })
  }

  function markGone(endpoint: Endpoint): void {
    if (endpoint.gone) return
    endpoint.gone = true
    state.report.gone(endpoint)
    for (const job of endpoint.drainWaiting()) giveUp(job, goneError(endpoint))
  }

  // -- endings ----------------------------------------------------------------------------------------------------

  function giveUp(job: Job, error: WebHookDeliveryFailure): void {
    giveUpEffects(job, error, state.report)
    state.journal.deadLetter(job, error)
    finish(job, false)
  }

  function drop(job: Job, reason: WebHookDropReason, accepted: boolean): void {
    const { endpoint } = job
    endpoint.dropped++
    state.droppedTotal++
    job.error = new WebHookDeliveryError(
      reason === 'closed' ? 'ERR_WEB_HOOK_DELIVERY_CLOSED' : 'ERR_WEB_HOOK_DELIVERY_DROPPED',
      { url: endpoint.url }
    )
    state.report.dropped(job, reason, infoOf(job))
    state.journal.ack(job)
    if (accepted) finish(job, false)
  }

  /** The job is over: release what waited on it, resolve a waiting caller, notice a finished drain. */
  function finish(job: Job, ok: boolean): void {
    if (job.done) return
    job.done = true
    clearTimeout(job.timer)
    const { endpoint, delivery } = job
    state.active--
    if (job.resolve === undefined) {
      endpoint.pending--
      state.pendingTotal--
    }
    if (ok) state.journal.ack(job)
    if (delivery.type === 'pre' && endpoint.releasePre(delivery.callId)) schedule(endpoint)
    job.resolve?.({
      id: delivery.id,
      ok,
      attempts: job.attempts,
      ...(job.status === undefined ? {} : { status: job.status }),
      ...(job.body === undefined ? {} : { body: job.body }),
      ...(ok || job.error === undefined ? {} : { error: job.error }),
    })
    if (state.closing && state.active === 0) state.drained?.()
  }

  return { accept, schedule, pump, pause, goneError, markGone, giveUp, drop, finish }
}
