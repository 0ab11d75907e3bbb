/**
 * How a job ends (issue 11): given up (a dead letter), dropped (overflow or close) or finished (delivered or not),
 * with what each ending releases: the bounds, a call's posts held behind its pre, a waiting caller, the close drain.
 */
import { WebHookDeliveryError } from '../errors/delivery-error.js'
import type { Endpoint, Job } from './endpoint.js'
import type { EngineState } from './engine-state.js'
import { infoOf } from './job.js'
import { giveUpEffects } from './outcome.js'
import type { WebHookDeliveryFailure, WebHookDropReason } from '../contracts/delivery.js'

export type Endings = ReturnType<typeof createEndings>

export function goneError(endpoint: Endpoint): WebHookDeliveryError {
  return new WebHookDeliveryError('ERR_WEB_HOOK_DELIVERY_GONE', { url: endpoint.url, status: 410 })
}

export function createEndings(state: EngineState) {
  function giveUp(job: Job, error: WebHookDeliveryFailure): void {
    giveUpEffects(job, error, state.report)
    state.journal.deadLetter(job, error)
    finish(job, false)
  }

  /** `accepted`: the job was in the bounds already (an eviction), so it finishes too. */
  function drop(job: Job, reason: WebHookDropReason, accepted: boolean): void {
    const { endpoint } = job
    endpoint.droppedOne()
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
      endpoint.released()
      state.pendingTotal--
    }
    if (ok) state.journal.ack(job)
    if (delivery.type === 'pre' && endpoint.releasePre(delivery.callId)) endpoint.schedule()
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

  return { giveUp, drop, finish }
}
