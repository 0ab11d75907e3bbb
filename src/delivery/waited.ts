/**
 * Waited deliveries (issue 11): waitForResponse and veto hooks, `test()`. They go to the head of their endpoint's line
 * with a deadline that also ends a wait in the queue or for a retry; the caller gets the outcome, never a rejection.
 */
import type { ResolvedRetry } from '../config/normalized.js'
import { WebHookDeliveryError } from '../errors/delivery-error.js'
import type { Endpoint, Job } from './endpoint.js'
import type { OutgoingDelivery } from './engine-types.js'
import type { EngineState } from './engine-state.js'
import { type Endings, goneError } from './endings.js'
import { newJob } from './job.js'
import type { WebHookDeliveryOutcome } from '../contracts/delivery.js'

export function createWaited(state: EngineState, { giveUp }: Endings, pump: (endpoint: Endpoint) => void) {
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

  return { deliver }
}
