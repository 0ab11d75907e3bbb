/**
 * The delivery engine (issue 3): per-endpoint queues with a concurrency limit, pre-before-post ordering per call (or
 * strict FIFO), retries with backoff and Retry-After, a circuit breaker, bounded memory with an overflow policy, typed
 * events, stats and a graceful close. Requests go through a pluggable transport (undici by default on Node).
 */
import type { ResolvedConfig, ResolvedHook } from '../config/normalized.js'
import { WebHookDeliveryError } from '../errors/delivery-error.js'
import { type Attempt, runAttempt } from './attempt.js'
import type { DeliveryEngine, OutgoingDelivery } from './engine-types.js'
import { Endpoint, type Job } from './endpoint.js'
import { flatten, infoOf, newJob } from './job.js'
import { DeliveryEvents } from './events.js'
import { createJournal } from './journal.js'
import { createStoreWorker } from './store-worker.js'
import { createReporter } from './report.js'
import { DEFAULT_CLOSE_TIMEOUT, fixedOption, sameSafeUrls } from './options.js'
import { nextDelay, retriesOf } from './retry.js'
import { undiciTransport } from './transports/undici.js'
import type { WebHookStoredDelivery } from './store-types.js'
import type { WebHookCloseResult, WebHookDeliveryInfo, WebHookDropReason, WebHookStats } from './types.js'

export function createDeliveryEngine(config: ResolvedConfig): DeliveryEngine {
  // Engine-level options, resolved and validated by normalizeConfig; `configure` may replace them (see below).
  let { queue, breaker, safeUrls, source } = config
  const ownTransport = config.transport === undefined
  const defaultTransport = () => undiciTransport(safeUrls === undefined ? {} : { lookup: safeUrls.lookup })
  let transport = config.transport ?? defaultTransport()
  const events = new DeliveryEvents((error, event) =>
    config.logger?.warn('web hook event listener threw', { event, error })
  )
  // `source.on` listeners are subscribed by the core (createWebHooks), which re-subscribes them on `configure`.
  const report = createReporter(config, events)
  const endpoints = new Map<string, Endpoint>()
  const hooksByEndpoint = new Map<string, ResolvedHook>()
  let pendingTotal = 0
  let droppedTotal = 0
  let active = 0
  let closing = false
  let closed: Promise<WebHookCloseResult> | undefined
  let drained: (() => void) | undefined
  const inFlightJobs = new Set<Job>()

  // A store that schedules deliveries itself (BullMQ, issue 7) calls back this worker for each attempt.
  const worker = createStoreWorker({
    hookOf: key => hooksByEndpoint.get(key),
    endpointOf,
    get transport() {
      return transport
    },
    get safeUrls() {
      return safeUrls
    },
    ownTransport,
    report,
    pause,
    markGone,
    goneError,
    newJob: (hook, stored) => {
      const { id, type, callId, method, body, createdAt } = stored
      const job = newJob(
        { id, hook, type, callId, method, body, createdAt },
        endpointOf(hook),
        Number.POSITIVE_INFINITY
      )
      job.attempts = stored.attempts
      return job
    },
  })
  const journal = createJournal(config, requeue, worker)

  /** Re-queues a delivery from the store (recovered or replayed); false when no hook has its endpoint any more. */
  function requeue(stored: WebHookStoredDelivery): boolean {
    const hook = hooksByEndpoint.get(stored.endpoint)
    if (hook === undefined || closing) return false
    const delivery: OutgoingDelivery = {
      id: stored.id,
      hook,
      type: stored.type,
      callId: stored.callId,
      method: stored.method,
      body: stored.body,
      createdAt: stored.createdAt,
    }
    const job = newJob(delivery, endpointOf(hook), Number.POSITIVE_INFINITY)
    job.attempts = stored.attempts
    job.dueAt = stored.notBefore
    accept(job)
    return true
  }

  function indexHooks(hooks: readonly ResolvedHook[]): void {
    hooksByEndpoint.clear()
    for (const hook of hooks) hooksByEndpoint.set(hook.endpoint, hook)
  }
  indexHooks(config.hooks)

  function endpointOf(hook: ResolvedHook): Endpoint {
    let endpoint = endpoints.get(hook.endpoint)
    if (endpoint === undefined) {
      const concurrency = queue.fifo ? 1 : (hooksByEndpoint.get(hook.endpoint) ?? hook).concurrency
      endpoint = new Endpoint(hook.endpoint, hook.safeUrl, concurrency, queue.fifo, breaker)
      endpoints.set(hook.endpoint, endpoint)
    }
    return endpoint
  }

  // -- intake -----------------------------------------------------------------------------------------------------

  /** Queues a fire-and-forget job (from `enqueue`, or recovered from a durable store). */
  function accept(job: Job): void {
    const { endpoint, delivery } = job
    if (!endpoint.gone && (endpoint.pending >= queue.maxSizePerEndpoint || pendingTotal >= queue.maxSize)) {
      const victim = queue.overflow === 'drop-oldest' ? oldestFor(endpoint) : undefined
      if (victim === undefined) {
        drop(job, 'overflow', false)
        return
      }
      drop(victim, 'overflow', true)
    }
    active++
    endpoint.pending++
    pendingTotal++
    if (endpoint.gone) {
      giveUp(job, goneError(endpoint))
      return
    }
    if (delivery.type === 'pre') {
      endpoint.pendingPre.set(delivery.callId, (endpoint.pendingPre.get(delivery.callId) ?? 0) + 1)
    } else if (endpoint.pendingPre.has(delivery.callId)) {
      const list = endpoint.blocked.get(delivery.callId)
      if (list === undefined) endpoint.blocked.set(delivery.callId, [job])
      else list.push(job)
      endpoint.blockedCount++
      return
    }
    if (job.dueAt > Date.now()) waitRetry(job)
    else endpoint.queue.push(job)
    schedule(endpoint)
  }

  function oldestFor(endpoint: Endpoint): Job | undefined {
    if (endpoint.pending >= queue.maxSizePerEndpoint) return endpoint.evictOldest()
    let largest: Endpoint | undefined
    for (const other of endpoints.values())
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
    inFlightJobs.add(job)
    const timeout = Math.max(1, Math.min(job.delivery.hook.timeout, job.deadline - Date.now()))
    runAttempt(transport, job, timeout, safeUrls, ownTransport).then(settle)
  }

  function settle(attempt: Attempt): void {
    const { job } = attempt
    inFlightJobs.delete(job)
    if (job.done) return
    const { endpoint } = job
    job.inFlight = false
    job.controller = undefined
    endpoint.inFlight--
    job.status = attempt.status
    job.body = attempt.body
    job.error = attempt.error
    const now = Date.now()
    if (attempt.error === undefined) {
      endpoint.delivered++
      endpoint.latency.add(attempt.duration)
      if (endpoint.breaker.success()) report.resumed(endpoint)
      report.succeeded(job, attempt.duration)
      finish(job, true)
    } else if (attempt.status === 410) {
      report.failed(job, 0, undefined)
      giveUp(job, attempt.error)
      markGone(endpoint)
    } else {
      if (endpoint.breaker.failure(now)) pause(endpoint)
      const left = attempt.retryable ? retriesOf(job.delivery.hook.retry) - (job.attempts - 1) : 0
      const policy = job.delivery.hook.retry
      const delay = left > 0 && policy !== false ? nextDelay(policy, job.attempts, attempt.retryAfter) : 0
      if (left > 0 && now + delay < job.deadline - 1) {
        job.dueAt = now + delay
        endpoint.retried++
        report.failed(job, left, job.dueAt)
        journal.retryAt(job)
        waitRetry(job)
      } else {
        report.failed(job, 0, undefined)
        giveUp(job, attempt.error)
      }
    }
    schedule(endpoint)
  }

  function waitRetry(job: Job): void {
    const { endpoint } = job
    if (endpoint.fifo) endpoint.holding++
    endpoint.retries.push(job)
    armRetryTimer(endpoint)
  }

  function armRetryTimer(endpoint: Endpoint): void {
    const next = endpoint.retries.peek()
    if (next === undefined) return
    if (endpoint.retryTimer !== undefined && endpoint.retryTimerAt <= next.dueAt) return
    clearTimeout(endpoint.retryTimer)
    endpoint.retryTimerAt = next.dueAt
    endpoint.retryTimer = setTimeout(() => fireRetries(endpoint), Math.max(0, next.dueAt - Date.now()))
  }

  function fireRetries(endpoint: Endpoint): void {
    endpoint.retryTimer = undefined
    const now = Date.now()
    for (let next = endpoint.retries.peek(); next !== undefined && next.dueAt <= now; next = endpoint.retries.peek()) {
      const job = endpoint.retries.pop()!
      if (endpoint.fifo) endpoint.holding--
      if (job.resolve !== undefined || endpoint.fifo) endpoint.urgent.push(job)
      else endpoint.queue.push(job)
    }
    armRetryTimer(endpoint)
    pump(endpoint)
  }

  // -- breaker and 410 --------------------------------------------------------------------------------------------

  function pause(endpoint: Endpoint): void {
    report.paused(endpoint)
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
    report.gone(endpoint)
    for (const job of endpoint.drainWaiting()) giveUp(job, goneError(endpoint))
  }

  // -- endings ----------------------------------------------------------------------------------------------------

  function giveUp(job: Job, error: Error): void {
    job.error = error
    job.endpoint.failed++
    report.givenUp(job, error)
    journal.deadLetter(job, error)
    finish(job, false)
  }

  function drop(job: Job, reason: WebHookDropReason, accepted: boolean): void {
    const { endpoint } = job
    endpoint.dropped++
    droppedTotal++
    job.error = new WebHookDeliveryError(
      reason === 'closed' ? 'ERR_WEB_HOOK_DELIVERY_CLOSED' : 'ERR_WEB_HOOK_DELIVERY_DROPPED',
      { url: endpoint.url }
    )
    report.dropped(job, reason, infoOf(job))
    journal.ack(job)
    if (accepted) finish(job, false)
  }

  /** The job is over: release what waited on it, resolve a waiting caller, notice a finished drain. */
  function finish(job: Job, ok: boolean): void {
    if (job.done) return
    job.done = true
    clearTimeout(job.timer)
    const { endpoint, delivery } = job
    active--
    if (job.resolve === undefined) {
      endpoint.pending--
      pendingTotal--
    }
    if (ok) journal.ack(job)
    if (delivery.type === 'pre') releasePre(endpoint, delivery.callId)
    job.resolve?.({
      id: delivery.id,
      ok,
      attempts: job.attempts,
      ...(job.status === undefined ? {} : { status: job.status }),
      ...(job.body === undefined ? {} : { body: job.body }),
      ...(ok || job.error === undefined ? {} : { error: job.error }),
    })
    if (closing && active === 0) drained?.()
  }

  function releasePre(endpoint: Endpoint, callId: string): void {
    const count = endpoint.pendingPre.get(callId)
    if (count === undefined) return
    if (count > 1) {
      endpoint.pendingPre.set(callId, count - 1)
      return
    }
    endpoint.pendingPre.delete(callId)
    const posts = endpoint.blocked.get(callId)
    if (posts === undefined) return
    endpoint.blocked.delete(callId)
    endpoint.blockedCount -= posts.length
    for (const post of posts) endpoint.queue.push(post)
    schedule(endpoint)
  }

  // -- public API -------------------------------------------------------------------------------------------------

  return {
    enqueue(delivery) {
      flatten(delivery)
      const job = newJob(delivery, endpointOf(delivery.hook), Number.POSITIVE_INFINITY)
      if (closing) {
        drop(job, 'closed', false)
        return
      }
      journal.enqueue(job)
      if (journal.delegates) return
      accept(job)
    },

    deliver(delivery, deadline) {
      const endpoint = endpointOf(delivery.hook)
      const job = newJob(delivery, endpoint, deadline)
      return new Promise(resolve => {
        job.resolve = resolve
        active++
        if (delivery.type === 'pre') {
          endpoint.pendingPre.set(delivery.callId, (endpoint.pendingPre.get(delivery.callId) ?? 0) + 1)
        }
        const url = endpoint.url
        if (closing) return giveUp(job, new WebHookDeliveryError('ERR_WEB_HOOK_DELIVERY_CLOSED', { url }))
        if (endpoint.gone) return giveUp(job, goneError(endpoint))
        if (endpoint.breaker.state === 'open') {
          return giveUp(job, new WebHookDeliveryError('ERR_WEB_HOOK_DELIVERY_PAUSED', { url }))
        }
        if (deadline <= Date.now()) {
          return giveUp(job, new WebHookDeliveryError('ERR_WEB_HOOK_DELIVERY_TIMEOUT', { url }))
        }
        // The deadline also ends a wait in the queue or for a retry; an attempt in flight ends by its own timeout.
        job.timer = setTimeout(() => {
          if (job.done) return
          if (job.inFlight) {
            job.controller?.abort(new DOMException('The deadline of the waiting call passed', 'TimeoutError'))
            return
          }
          job.endpoint.remove(job)
          giveUp(job, job.error ?? new WebHookDeliveryError('ERR_WEB_HOOK_DELIVERY_TIMEOUT', { url }))
        }, deadline - Date.now())
        // Durable stores keep it before its request (issue 7): a crash mid-call still delivers it after a restart.
        journal.enqueueWaited(job)
        endpoint.urgent.push(job)
        pump(endpoint)
      })
    },

    configure(next) {
      // Everything that can be refused is checked before anything changes.
      if (next.queue.fifo !== queue.fifo) throw fixedOption('queue.ordering')
      if (next.transport !== undefined && next.transport !== config.transport) throw fixedOption('transport')
      if (next.store !== undefined && next.store !== config.store) throw fixedOption('store')
      queue = next.queue
      breaker = next.breaker
      if (!sameSafeUrls(source.safeUrls, next.source.safeUrls)) {
        safeUrls = next.safeUrls
        if (ownTransport) {
          // Pooled keep-alive sockets would skip the new lookup: a fresh pool; the old one finishes what it has.
          const previous = transport
          transport = defaultTransport()
          previous.close?.().catch(() => {})
        }
      }
      source = next.source
      indexHooks(next.hooks)
      for (const endpoint of endpoints.values()) {
        endpoint.breaker.options = breaker
        const hook = hooksByEndpoint.get(endpoint.key)
        if (hook !== undefined && !queue.fifo) endpoint.concurrency = hook.concurrency
        if (hook !== undefined) endpoint.url = hook.safeUrl
        endpoint.gone = false
        schedule(endpoint)
      }
    },

    close(options = {}) {
      // A second call (the wrapper's, a test's teardown) gets the first one's result instead of cutting its drain.
      closed ??= shutDown(options.timeout ?? DEFAULT_CLOSE_TIMEOUT)
      return closed
    },

    stats(): WebHookStats {
      const result: WebHookStats = { endpoints: {}, queued: 0, dropped: droppedTotal }
      for (const endpoint of endpoints.values()) {
        const stats = endpoint.stats()
        result.endpoints[endpoint.url] = stats
        result.queued += stats.queued
      }
      return result
    },

    on(event, listener) {
      return events.on(event, listener)
    },

    replay(ids) {
      return journal.replay(ids)
    },
  }

  /** Stops intake, drains until `timeout`, then ends what is left and returns the undelivered. */
  async function shutDown(timeout: number): Promise<WebHookCloseResult> {
    closing = true
    journal.stop()
    if (active > 0) {
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, timeout)
        drained = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
    const undelivered: WebHookDeliveryInfo[] = []
    for (const endpoint of endpoints.values()) {
      clearTimeout(endpoint.retryTimer)
      clearTimeout(endpoint.probeTimer)
      const jobs = endpoint.drainWaiting()
      for (const job of inFlightJobs) if (job.endpoint === endpoint && !job.done) jobs.push(job)
      for (const job of jobs) {
        if (job.done) continue
        if (job.inFlight) {
          job.inFlight = false
          endpoint.inFlight--
          job.controller?.abort()
        }
        if (job.resolve === undefined) undelivered.push(infoOf(job))
        job.error = new WebHookDeliveryError('ERR_WEB_HOOK_DELIVERY_CLOSED', { url: endpoint.url })
        journal.keep(job)
        finish(job, false)
      }
    }
    if (ownTransport) await transport.close?.()
    await journal.close()
    undelivered.sort((a, b) => a.createdAt - b.createdAt)
    return { undelivered }
  }
}
