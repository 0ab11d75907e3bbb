/**
 * The delivery engine (issue 3): per-endpoint queues with a concurrency limit, pre-before-post ordering per call (or
 * strict FIFO), retries with backoff and Retry-After, a circuit breaker, bounded memory with an overflow policy, typed
 * events, stats and a graceful close. Requests go through a pluggable transport (undici by default on Node).
 */
import type { ResolvedHook } from '../config/normalized.js'
import { WebHookDeliveryError } from '../errors/delivery-error.js'
import type { DeliveryEngine } from './engine-types.js'
import { Endpoint, type Job } from './endpoint.js'
import { flatten, infoOf, jobFromStored, newJob } from './job.js'
import { DeliveryEvents } from './events.js'
import { DeliveryHistory } from './history.js'
import { createJournal, type Journal } from './journal.js'
import type { Accepted } from './engine-types.js'
import { createLoop, type LoopState } from './loop.js'
import { createStoreWorker } from './store-worker.js'
import { createReporter } from './report.js'
import type { CurrentConfig } from '../config/current.js'
import { sameSafeUrls } from '../config/reconfigure.js'
import { DEFAULT_CLOSE_TIMEOUT } from './options.js'
import { proxyInUse, undiciTransport } from './transports/undici.js'
import type { WebHookStoredDelivery } from './store-types.js'
import type { WebHookCloseResult, WebHookDeliveryInfo, WebHookStats, WebHookTransport } from './types.js'

/**
 * The engine of `current` (the wrapper's one configuration: the engine reads it, never a copy). `configure(next)` is
 * called with the configuration about to be swapped in, checked already (`CurrentConfig.prepare`).
 */
export function createDeliveryEngine(current: CurrentConfig): DeliveryEngine {
  const config = current.resolved
  // Engine-level options, resolved and validated by normalizeConfig; `configure` may replace them (see below).
  let { breaker } = config
  const ownTransport = config.transport === undefined
  /**
   * Makes the engine's own transport, with the safe-URL lookup, and says where safe URLs are checked: at connect time,
   * except through a proxy, where the connection is to the proxy and the proxy resolves the target.
   */
  function useDefaultTransport(): void {
    state.transport = undiciTransport(state.safeUrls === undefined ? {} : { lookup: state.safeUrls.lookup })
    state.connectTimeCheck = !proxyInUse()
  }
  const history = new DeliveryHistory(config.history)
  const events = new DeliveryEvents((error, event) =>
    current.logger.warn('web hook event listener threw', { event, error })
  )
  // The `on` listeners are subscribed by the core (createWebHooks), which re-subscribes them on `configure`.
  const state: LoopState = {
    queue: config.queue,
    safeUrls: config.safeUrls,
    transport: config.transport as WebHookTransport,
    connectTimeCheck: false,
    report: createReporter(current, events, history),
    journal: undefined as unknown as Journal,
    endpoints: new Map<string, Endpoint>(),
    pendingTotal: 0,
    droppedTotal: 0,
    active: 0,
    closing: false,
    drained: undefined,
    inFlightJobs: new Set<Job>(),
  }
  if (ownTransport) useDefaultTransport()
  const { endpoints, report } = state
  const { accept, schedule, pump, pause, goneError, markGone, giveUp, drop, finish } = createLoop(state)
  const hooksByEndpoint = new Map<string, ResolvedHook>()
  let closed: Promise<WebHookCloseResult> | undefined

  // A store that schedules deliveries itself (BullMQ, issue 7) calls back this worker for each attempt.
  const worker = createStoreWorker({
    hookOf: key => hooksByEndpoint.get(key),
    endpointOf,
    get transport() {
      return state.transport
    },
    get safeUrls() {
      return state.safeUrls
    },
    get connectTimeCheck() {
      return state.connectTimeCheck
    },
    report,
    pause,
    markGone,
    goneError,
    newJob: (hook, stored) => jobFromStored(stored, hook, endpointOf(hook)),
  })
  const journal = createJournal(
    current,
    requeue,
    worker,
    () => state.queue.maxSize - state.pendingTotal,
    // nothingDue: new deliveries need not wait behind a backlog in the store any more.
    () => {
      for (const endpoint of endpoints.values()) endpoint.backlog = false
    },
    { queue: () => state.queue, drop: job => drop(job, 'overflow', false) }
  )
  state.journal = journal

  /** Re-queues a delivery from the store (recovered or replayed); `refused` when no hook has its endpoint any more. */
  function requeue(stored: WebHookStoredDelivery): Accepted | 'refused' {
    const hook = hooksByEndpoint.get(stored.endpoint)
    if (hook === undefined || state.closing) return 'refused'
    const job = jobFromStored(stored, hook, endpointOf(hook))
    job.dueAt = stored.notBefore
    return accept(job, true)
  }

  function indexHooks(hooks: readonly ResolvedHook[]): void {
    hooksByEndpoint.clear()
    for (const hook of hooks) hooksByEndpoint.set(hook.endpoint, hook)
  }
  indexHooks(config.hooks)

  function endpointOf(hook: ResolvedHook): Endpoint {
    let endpoint = endpoints.get(hook.endpoint)
    if (endpoint === undefined) {
      const concurrency = state.queue.fifo ? 1 : (hooksByEndpoint.get(hook.endpoint) ?? hook).concurrency
      endpoint = new Endpoint(hook.endpoint, hook.displayUrl, concurrency, state.queue.fifo, breaker, pump)
      endpoints.set(hook.endpoint, endpoint)
    }
    return endpoint
  }

  // -- public API -------------------------------------------------------------------------------------------------

  return {
    enqueue(delivery) {
      flatten(delivery)
      const job = newJob(delivery, endpointOf(delivery.hook), Number.POSITIVE_INFINITY)
      if (state.closing) {
        drop(job, 'closed', false)
        return
      }
      journal.enqueue(job)
      if (journal.delegates) return
      accept(job)
    },

    deliver(delivery, deadline, retry) {
      const endpoint = endpointOf(delivery.hook)
      const job = newJob(delivery, endpoint, deadline, retry)
      return new Promise(resolve => {
        job.resolve = resolve
        state.active++
        if (delivery.type === 'pre') endpoint.holdPre(delivery.callId)
        const url = endpoint.url
        if (state.closing) return giveUp(job, new WebHookDeliveryError('ERR_WEB_HOOK_DELIVERY_CLOSED', { url }))
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
      // Everything that can be refused was checked before (CurrentConfig.prepare); `current` is still the previous one.
      state.queue = next.queue
      breaker = next.breaker
      if (!sameSafeUrls(current.resolved, next)) {
        state.safeUrls = next.safeUrls
        if (ownTransport) {
          // Pooled keep-alive sockets would skip the new lookup: a fresh pool; the old one finishes what it has.
          const previous = state.transport
          useDefaultTransport()
          previous.close?.().catch(() => {})
        }
      }
      history.resize(next.history)
      indexHooks(next.hooks)
      for (const endpoint of endpoints.values()) {
        endpoint.reconfigure(hooksByEndpoint.get(endpoint.key), breaker)
        schedule(endpoint)
      }
    },

    close(options = {}) {
      // A second call (the wrapper's, a test's teardown) gets the first one's result instead of cutting its drain.
      closed ??= shutDown(options.timeout ?? DEFAULT_CLOSE_TIMEOUT)
      return closed
    },

    stats(): WebHookStats {
      const result: WebHookStats = { endpoints: {}, queued: 0, dropped: state.droppedTotal }
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

    history(query) {
      return history.read(query)
    },

    replay(ids) {
      return journal.replay(ids)
    },

    deadLetters(options = {}) {
      return journal.deadLetters(options.limit)
    },
  }

  /** Stops intake, drains until `timeout`, then ends what is left and returns the undelivered. */
  async function shutDown(timeout: number): Promise<WebHookCloseResult> {
    const deadline = Date.now() + timeout
    state.closing = true
    journal.stop()
    if (state.active > 0) {
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, timeout)
        state.drained = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
    // Deliveries a scheduling store (BullMQ) has not confirmed get what is left of the timeout to get there.
    await journal.settle(Math.max(0, deadline - Date.now()))
    const undelivered: WebHookDeliveryInfo[] = journal.unsent().map(job => infoOf(job))
    for (const endpoint of endpoints.values()) {
      clearTimeout(endpoint.retryTimer)
      clearTimeout(endpoint.probeTimer)
      clearTimeout(endpoint.throttleTimer)
      const jobs = endpoint.drainWaiting()
      for (const job of state.inFlightJobs) if (job.endpoint === endpoint && !job.done) jobs.push(job)
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
    if (ownTransport) await state.transport.close?.()
    await journal.close(Math.max(0, deadline - Date.now()))
    undelivered.sort((a, b) => a.createdAt - b.createdAt)
    return { undelivered }
  }
}
