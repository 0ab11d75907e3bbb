/**
 * Intake and bounds (issue 11): how a fire-and-forget delivery gets into its endpoint's queue, held to the memory
 * bounds (overflow policy, or spilled to a durable store that can take it back); deliveries from the store (recovered,
 * replayed) are queued again. Waited deliveries come in through waited.ts.
 */
import type { Endpoint, Job } from './endpoint.js'
import type { Accepted, OutgoingDelivery } from './engine-types.js'
import type { EngineState } from './engine-state.js'
import { type Endings, goneError } from './endings.js'
import { flatten, jobFromStored, newJob } from './job.js'
import type { WebHookStoredDelivery } from '../contracts/store.js'

export type Intake = ReturnType<typeof createIntake>

export function createIntake(state: EngineState, { giveUp, drop }: Endings) {
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

  /** Re-queues a delivery from the store (recovered or replayed); `refused` when no hook has its endpoint any more. */
  function requeue(stored: WebHookStoredDelivery): Accepted | 'refused' {
    const hook = state.endpoints.hookOf(stored.endpoint)
    if (hook === undefined || state.closing) return 'refused'
    const job = jobFromStored(stored, hook, state.endpoints.of(hook))
    job.dueAt = stored.notBefore
    return accept(job, true)
  }

  return { enqueue, requeue }
}
