/**
 * Intake and bounds (issue 11): how a delivery gets into its endpoint's queue. Fire-and-forget deliveries are held to
 * the memory bounds (overflow policy, or spilled to a durable store that can take them back); waited ones go to the
 * head of the line with their deadline; deliveries from the store (recovered, replayed) are queued again.
 */
import { WebHookDeliveryError } from '../errors/delivery-error.js'
import type { ResolvedRetry } from '../config/normalized.js'
import type { Endpoint, Job } from './endpoint.js'
import type { Accepted, OutgoingDelivery } from './engine-types.js'
import type { EngineState } from './engine-state.js'
import { type Endings, goneError } from './endings.js'
import { flatten, jobFromStored, newJob } from './job.js'
import type { WebHookStoredDelivery } from './store-types.js'
import type { WebHookDeliveryOutcome } from './types.js'

export type Intake = ReturnType<typeof createIntake>

export function createIntake(state: EngineState, { giveUp, drop }: Endings, pump: (endpoint: Endpoint) => void) {
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
      endpoint.spilledOne()
      state.journal.spill(job)
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
    endpoint.admitted()
    state.pendingTotal++
    if (endpoint.gone) {
      giveUp(job, goneError(endpoint))
      return 'queued'
    }
    if (delivery.type === 'pre') endpoint.holdPre(delivery.callId)
    else if (endpoint.parkPost(job)) return 'queued'
    if (job.dueAt > Date.now()) endpoint.waitRetry(job)
    else endpoint.queue.push(job)
    endpoint.schedule()
    return 'queued'
  }

  /** The overflow victim: the endpoint's oldest, or (the total bound) the oldest of the fullest endpoint. */
  function oldestFor(endpoint: Endpoint): Job | undefined {
    if (endpoint.pending >= state.queue.maxSizePerEndpoint) return endpoint.evictOldest()
    let largest: Endpoint | undefined
    for (const other of state.endpoints.values())
      if (largest === undefined || other.pending > largest.pending) largest = other
    return (endpoint.pending > 0 ? endpoint.evictOldest() : undefined) ?? largest?.evictOldest()
  }

  /** `enqueue()`: journaled, then queued (unless the store schedules it itself). */
  function enqueue(delivery: OutgoingDelivery): void {
    flatten(delivery)
    const job = newJob(delivery, state.endpoints.of(delivery.hook), Number.POSITIVE_INFINITY)
    if (state.closing) {
      drop(job, 'closed', false)
      return
    }
    state.journal.enqueue(job)
    if (state.journal.delegates) return
    accept(job)
  }

  /** `deliver()`: a waited delivery, ahead of the queue, given up at its deadline. */
  function deliver(
    delivery: OutgoingDelivery,
    deadline: number,
    retry: ResolvedRetry | false
  ): Promise<WebHookDeliveryOutcome> {
    const endpoint = state.endpoints.of(delivery.hook)
    const job = newJob(delivery, endpoint, deadline, retry)
    return new Promise(resolve => {
      job.resolve = resolve
      state.active++
      if (delivery.type === 'pre') endpoint.holdPre(delivery.callId)
      const refusal = refuseWaited(endpoint, deadline)
      if (refusal !== undefined) return giveUp(job, refusal)
      // The deadline also ends a wait in the queue or for a retry; an attempt in flight ends by its own timeout.
      const { url } = endpoint
      job.timer = setTimeout(() => expire(job, url), deadline - Date.now())
      // Durable stores keep it before its request (issue 7): a crash mid-call still delivers it after a restart.
      state.journal.enqueueWaited(job)
      endpoint.urgent.push(job)
      pump(endpoint)
    })
  }

  /** Why a waited delivery cannot even start: closing, a 410 endpoint, an open breaker, its deadline passed. */
  function refuseWaited(endpoint: Endpoint, deadline: number): WebHookDeliveryError | undefined {
    const { url } = endpoint
    if (state.closing) return new WebHookDeliveryError('ERR_WEB_HOOK_DELIVERY_CLOSED', { url })
    if (endpoint.gone) return goneError(endpoint)
    if (endpoint.breaker.state === 'open') return new WebHookDeliveryError('ERR_WEB_HOOK_DELIVERY_PAUSED', { url })
    if (deadline <= Date.now()) return new WebHookDeliveryError('ERR_WEB_HOOK_DELIVERY_TIMEOUT', { url })
    return undefined
  }

  /** A waited delivery's deadline passed: in flight, its attempt is aborted; waiting, it is given up. */
  function expire(job: Job, url: string): void {
    if (job.done) return
    if (job.inFlight) {
      job.controller?.abort(new DOMException('The deadline of the waiting call passed', 'TimeoutError'))
      return
    }
    job.endpoint.remove(job)
    giveUp(job, job.error ?? new WebHookDeliveryError('ERR_WEB_HOOK_DELIVERY_TIMEOUT', { url }))
  }

  /** Re-queues a delivery from the store (recovered or replayed); `refused` when no hook has its endpoint any more. */
  function requeue(stored: WebHookStoredDelivery): Accepted | 'refused' {
    const hook = state.endpoints.hookOf(stored.endpoint)
    if (hook === undefined || state.closing) return 'refused'
    const job = jobFromStored(stored, hook, state.endpoints.of(hook))
    job.dueAt = stored.notBefore
    return accept(job, true)
  }

  return { enqueue, deliver, requeue }
}
