/**
 * The engine's side of a store that schedules deliveries itself (`WebHookStore.run`, issue 7: BullMQ): one attempt of
 * a stored delivery on the hook currently configured for its endpoint, with the engine's transport. What the answer
 * means, and the counters, breaker and events that follow, are `outcome.ts`'s, as for the in-memory loop; the store
 * keeps the queue, the timing and the dead letters.
 */
import type { ResolvedHook } from '../config/normalized.js'
import type { WebHookDeliveryError } from '../errors/delivery-error.js'
import { WebHookStoreError } from '../errors/store-error.js'
import { isWebHookError } from '../errors/web-hook-error.js'
import type { SafeUrlPolicy } from '../security/safe-url.js'
import { runAttempt } from './attempt.js'
import type { Endpoint, Job } from './endpoint.js'
import type { Reporter } from './report.js'
import { giveUpEffects, settleAttempt } from './outcome.js'
import type { WebHookStoreAttemptResult, WebHookStoreWorker } from '../contracts/store.js'
import type { WebHookTransport } from '../contracts/delivery.js'

export interface StoreWorkerDeps {
  hookOf(endpoint: string): ResolvedHook | undefined
  endpointOf(hook: ResolvedHook): Endpoint
  transport: WebHookTransport
  safeUrls: SafeUrlPolicy | undefined
  /** See `EngineState.connectTimeCheck`. */
  readonly connectTimeCheck: boolean
  report: Reporter
  pause(endpoint: Endpoint): void
  markGone(endpoint: Endpoint): void
  goneError(endpoint: Endpoint): WebHookDeliveryError
  newJob(hook: ResolvedHook, stored: Parameters<WebHookStoreWorker['attempt']>[0]): Job
}

/** A postponed attempt waits at least this long, ms. */
const MIN_POSTPONE = 10

function codeOf(error: Error): string {
  return isWebHookError(error) ? error.code : error.name
}

export function createStoreWorker(deps: StoreWorkerDeps): WebHookStoreWorker {
  const { report } = deps
  return {
    async attempt(stored): Promise<WebHookStoreAttemptResult> {
      const hook = deps.hookOf(stored.endpoint)
      if (hook === undefined) {
        const error = new WebHookStoreError(
          'ERR_WEB_HOOK_STORE_UNKNOWN_ENDPOINT',
          'bullmq',
          `Web hook delivery ${stored.id} is for ${stored.url}, which no configured hook has`
        )
        return { outcome: 'failed', error, code: error.code }
      }
      const endpoint = deps.endpointOf(hook)
      const job = deps.newJob(hook, stored)
      if (endpoint.gone) {
        // As in the loop: a delivery for a retired endpoint is given up at once, with its event.
        const error = deps.goneError(endpoint)
        giveUpEffects(job, error, report)
        return { outcome: 'failed', error, code: codeOf(error), status: 410 }
      }
      if (!endpoint.canStart()) {
        const now = Date.now()
        const wait =
          endpoint.breaker.state === 'open'
            ? endpoint.breaker.probeAt - now
            : endpoint.throttle.paused(now)
              ? endpoint.throttle.until - now
              : MIN_POSTPONE
        return { outcome: 'postponed', delay: Math.max(MIN_POSTPONE, wait) }
      }
      job.attempts++
      job.inFlight = true
      endpoint.attemptStarted()
      const attempt = await runAttempt(deps.transport, job, hook.timeout, deps.safeUrls, deps.connectTimeCheck)
      const outcome = settleAttempt(attempt, deps)
      const status = attempt.status === undefined ? {} : { status: attempt.status }
      const error = attempt.error!
      switch (outcome.kind) {
        case 'delivered':
          return { outcome: 'delivered', status: attempt.status ?? 200 }
        case 'retry':
          return { outcome: 'retry', delay: outcome.delay, error, ...status }
        case 'vetoed':
          // Veto hooks are waited, never run by a store; a refusal is an answer, not a failure.
          return { outcome: 'delivered', status: outcome.status }
        case 'gone':
          giveUpEffects(job, error, report)
          deps.markGone(endpoint)
          return { outcome: 'failed', error, code: codeOf(error), ...status }
        case 'failed':
          giveUpEffects(job, error, report)
          return { outcome: 'failed', error, code: codeOf(error), ...status }
      }
    },
  }
}
