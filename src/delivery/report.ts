/**
 * Reports what happens to deliveries: typed events, the logger (silent without one) and `onError` (on give-up and
 * drop). Only safe URLs and error messages go out: never a secret, a header value or URL credentials.
 */
import type { CurrentConfig } from '../config/current.js'
import type { WebHookLogger } from '../config/types.js'
import type { Endpoint, Job } from './endpoint.js'
import type { DeliveryEvents } from './events.js'
import { eventBaseOf } from './job.js'
import type { AttemptFacts, DeliveryHistory } from './history.js'
import type { WebHookDeliveryFailure, WebHookDeliveryInfo, WebHookDropReason } from '../contracts/delivery.js'
import { parseVetoReason } from '../veto/refusal.js'

type Level = keyof WebHookLogger

export interface Reporter {
  succeeded(job: Job, duration: number): void
  failed(job: Job, attemptsLeft: number, nextRetryAt: number | undefined): void
  givenUp(job: Job, error: WebHookDeliveryFailure): void
  vetoed(job: Job, status: number): void
  /** Every attempt's end, once its outcome is decided (outcome.ts): recorded in the history. */
  attempted(facts: AttemptFacts): void
  dropped(job: Job, reason: WebHookDropReason, delivery: WebHookDeliveryInfo): void
  paused(endpoint: Endpoint): void
  resumed(endpoint: Endpoint): void
  gone(endpoint: Endpoint): void
}

/** At most one drop warning per endpoint per this many ms (a down endpoint can drop thousands a second). */
const DROP_LOG_INTERVAL = 1000

/**
 * The reporter of `current`: its logger and `onError` are the configuration's in force at each report; every attempt
 * and end is also recorded in `history` (the dashboard's), when there is one.
 */
export function createReporter(
  current: CurrentConfig,
  events: DeliveryEvents,
  history: DeliveryHistory | undefined
): Reporter {
  const { logger } = current
  const log: Log = (level, message, context) => {
    logger[level]?.(message, context)
  }
  const callOnError = onErrorCaller(current, log)
  return {
    ...deliveryReports(log, events, history, callOnError),
    dropped: droppedReport(log, events, history, callOnError),
    attempted(facts) {
      history?.attempt(facts)
    },
    ...endpointReports(log, events),
  }
}

type Log = (level: Level, message: string, context: object) => void
type CallOnError = (job: Job, error: WebHookDeliveryFailure) => void

/** Calls the configuration's `onError` in force (if any) for a job given up or dropped; a throw is logged. */
function onErrorCaller(current: CurrentConfig, log: Log): CallOnError {
  return function callOnError(job, error) {
    const { onError } = current.resolved
    if (onError === undefined) return
    const { delivery } = job
    try {
      onError({
        error,
        url: delivery.hook.displayUrl,
        method: delivery.method,
        type: delivery.type,
        callId: delivery.callId,
        deliveryId: delivery.id,
      })
    } catch (thrown) {
      log('warn', 'web hook onError threw', { error: thrown })
    }
  }
}

/** The final URL of a redirected attempt, for its events. */
function hop(job: Job): { redirectedTo?: string } {
  return job.redirectedTo === undefined ? {} : { redirectedTo: job.redirectedTo }
}

/** What follows a delivery's attempts: delivered, failed (maybe retried), given up, vetoed. */
function deliveryReports(
  log: Log,
  events: DeliveryEvents,
  history: DeliveryHistory | undefined,
  callOnError: CallOnError
): Pick<Reporter, 'succeeded' | 'failed' | 'givenUp' | 'vetoed'> {
  return {
    succeeded(job, duration) {
      if (!events.has('delivery:succeeded')) return
      events.emit('delivery:succeeded', {
        ...eventBaseOf(job),
        status: job.status ?? 0,
        duration,
        ...hop(job),
      })
    },
    failed(job, attemptsLeft, nextRetryAt) {
      const error = job.error as WebHookDeliveryFailure
      const event = {
        ...eventBaseOf(job),
        attemptsLeft,
        ...(nextRetryAt === undefined ? {} : { nextRetryAt }),
        ...(job.status === undefined ? {} : { status: job.status }),
        error,
        ...hop(job),
      }
      if (attemptsLeft > 0) log('debug', 'web hook attempt failed, will retry', { ...event, error: error.message })
      events.emit('delivery:failed', event)
    },
    givenUp(job, error) {
      const event = {
        ...eventBaseOf(job),
        ...(job.status === undefined ? {} : { status: job.status }),
        error,
        ...hop(job),
      }
      // XO's message for a failed hook.
      log('error', 'web hook failed', { ...eventBaseOf(job), status: job.status, error })
      history?.ended(job, 'failed')
      events.emit('delivery:given-up', event)
      callOnError(job, error)
    },
    vetoed(job, status) {
      const reason = parseVetoReason(job.body)
      const event = {
        ...eventBaseOf(job),
        type: 'pre' as const,
        status,
        ...(reason === undefined ? {} : { reason }),
      }
      log('info', 'web hook vetoed the call', event)
      events.emit('delivery:vetoed', event)
    },
  }
}

/** `delivery:dropped`, `onError`, and a warning at most once per endpoint per `DROP_LOG_INTERVAL`. */
function droppedReport(
  log: Log,
  events: DeliveryEvents,
  history: DeliveryHistory | undefined,
  callOnError: CallOnError
): Reporter['dropped'] {
  const lastDropLog = new Map<string, { at: number; count: number }>()
  return (job, reason, delivery) => {
    const { endpoint } = job
    const now = Date.now()
    const last = lastDropLog.get(endpoint.key)
    if (last === undefined || now - last.at >= DROP_LOG_INTERVAL) {
      log('warn', 'web hook dropped', {
        url: endpoint.url,
        reason,
        id: delivery.id,
        droppedSinceLastLog: (last?.count ?? 0) + 1,
      })
      lastDropLog.set(endpoint.key, { at: now, count: 0 })
    } else {
      last.count++
    }
    history?.ended(job, 'dropped')
    events.emit('delivery:dropped', { reason, delivery })
    job.delivery.hook.telemetry?.count('dropped', job.delivery, endpoint.url)
    if (job.error !== undefined) callOnError(job, job.error)
  }
}

/** The endpoint's state changes: breaker opened, probe succeeded, 410. */
function endpointReports(log: Log, events: DeliveryEvents): Pick<Reporter, 'paused' | 'resumed' | 'gone'> {
  return {
    paused(endpoint) {
      const event = { url: endpoint.url, failures: endpoint.breaker.failures, probeAt: endpoint.breaker.probeAt }
      log('warn', 'web hook endpoint paused', event)
      events.emit('endpoint:paused', event)
    },
    resumed(endpoint) {
      log('info', 'web hook endpoint resumed', { url: endpoint.url })
      events.emit('endpoint:resumed', { url: endpoint.url })
    },
    gone(endpoint) {
      log('warn', 'web hook endpoint gone (410): stopped until reconfigured', { url: endpoint.url })
      events.emit('endpoint:gone', { url: endpoint.url, status: 410 })
    },
  }
}
