/**
 * The engine's side of a store that schedules deliveries itself (`WebHookStore.run`, issue 7: BullMQ): one attempt of
 * a stored delivery on the hook currently configured for its endpoint, with the engine's transport, breaker, 410
 * handling, retry policy, stats and events. The store keeps the queue, the timing and the dead letters.
 */
import type { ResolvedHook } from '../config/normalized.js'
import { WebHookStoreError } from '../errors/store-error.js'
import { isWebHookError } from '../errors/web-hook-error.js'
import type { SafeUrlPolicy } from '../security/safe-url.js'
import { runAttempt } from './attempt.js'
import type { Endpoint, Job } from './endpoint.js'
import type { Reporter } from './report.js'
import { nextDelay, retriesOf } from './retry.js'
import { isRateLimit } from './throttle.js'
import type { WebHookStoreAttemptResult, WebHookStoreWorker } from './store-types.js'
import type { WebHookTransport } from './types.js'

export interface StoreWorkerDeps {
  hookOf(endpoint: string): ResolvedHook | undefined
  endpointOf(hook: ResolvedHook): Endpoint
  transport: WebHookTransport
  safeUrls: SafeUrlPolicy | undefined
  /** See `LoopState.connectTimeCheck`. */
  readonly connectTimeCheck: boolean
  report: Reporter
  pause(endpoint: Endpoint): void
  markGone(endpoint: Endpoint): void
  goneError(endpoint: Endpoint): Error
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
        const error = deps.goneError(endpoint)
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
      endpoint.inFlight++
      const attempt = await runAttempt(deps.transport, job, hook.timeout, deps.safeUrls, deps.connectTimeCheck)
      job.inFlight = false
      endpoint.inFlight--
      job.status = attempt.status
      job.body = attempt.body
      job.error = attempt.error
      const status = attempt.status === undefined ? {} : { status: attempt.status }
      if (attempt.error === undefined) {
        endpoint.delivered++
        endpoint.latency.add(attempt.duration)
        endpoint.throttle.succeeded()
        if (endpoint.breaker.success()) report.resumed(endpoint)
        report.succeeded(job, attempt.duration)
        return { outcome: 'delivered', status: attempt.status ?? 200 }
      }
      const now = Date.now()
      if (attempt.status === 410) {
        endpoint.failed++
        report.givenUp(job, attempt.error)
        deps.markGone(endpoint)
        return { outcome: 'failed', error: attempt.error, code: codeOf(attempt.error), ...status }
      }
      const policy = hook.retry
      // A rate limit pauses the endpoint until Retry-After; only real failures open the breaker (issue 13).
      if (isRateLimit(attempt.status, attempt.retryAfter)) {
        endpoint.rateLimited(
          policy === false ? (attempt.retryAfter ?? 1000) : nextDelay(policy, job.attempts, attempt.retryAfter)
        )
      } else if (endpoint.breaker.failure(now)) deps.pause(endpoint)
      const left = attempt.retryable ? retriesOf(policy) - (job.attempts - 1) : 0
      if (left > 0 && policy !== false) {
        const delay = nextDelay(policy, job.attempts, attempt.retryAfter)
        endpoint.retried++
        report.failed(job, left, now + delay)
        return { outcome: 'retry', delay, error: attempt.error, ...status }
      }
      report.failed(job, 0, undefined)
      endpoint.failed++
      report.givenUp(job, attempt.error)
      return { outcome: 'failed', error: attempt.error, code: codeOf(attempt.error), ...status }
    },
  }
}
