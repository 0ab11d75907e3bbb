/**
 * What the breaker and a 410 do to an endpoint (issue 11): paused until its probe (waited deliveries given up rather
 * than kept waiting), or retired after a 410 with everything waiting for it given up.
 */
import { WebHookDeliveryError } from '../errors/delivery-error.js'
import type { Endpoint } from './endpoint.js'
import { type Endings, goneError } from './endings.js'
import type { EngineState } from './engine-state.js'

export type Health = ReturnType<typeof createHealth>

/** `pump` starts what an endpoint can start (after its probe is due). */
export function createHealth(state: EngineState, { giveUp }: Endings, pump: (endpoint: Endpoint) => void) {
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

  return { pause, markGone }
}
