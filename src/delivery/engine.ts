/**
 * The delivery engine (issue 3): per-endpoint queues with a concurrency limit, pre-before-post ordering per call (or
 * strict FIFO), retries with backoff and Retry-After, a circuit breaker, bounded memory with an overflow policy, typed
 * events, stats and a graceful close. Requests go through a pluggable transport (undici by default on Node).
 *
 * This file wires the parts (issue 11): the journal (store bridge) first, then the state they share, then intake and
 * bounds (intake.ts), waited deliveries (waited.ts), attempts and outcomes (attempts.ts, health.ts: breaker and 410),
 * endings (endings.ts) and the lifecycle (lifecycle.ts).
 */
import type { CurrentConfig } from '../config/current.js'
import { createAttempts } from './attempts.js'
import type { DeliveryEngine } from './engine-types.js'
import { Endpoints } from './endpoints.js'
import { createEndings, goneError } from './endings.js'
import { DeliveryEvents } from './events.js'
import { DeliveryHistory } from './history.js'
import { createHealth } from './health.js'
import { createIntake } from './intake.js'
import { jobFromStored } from './job.js'
import { createJournal } from './journal.js'
import { configureEngine, type LifecycleParts, newEngineState, shutDown } from './lifecycle.js'
import { DEFAULT_CLOSE_TIMEOUT } from './options.js'
import { createReporter } from './report.js'
import { createStoreWorker } from './store-worker.js'
import { createWaited } from './waited.js'
import type { WebHookCloseResult } from '../contracts/delivery.js'

/**
 * The engine of `current` (the wrapper's one configuration: the engine reads it, never a copy). `configure(next)` is
 * called with the configuration about to be swapped in, checked already (`CurrentConfig.prepare`).
 */
export function createDeliveryEngine(current: CurrentConfig): DeliveryEngine {
  const config = current.resolved
  const history = new DeliveryHistory(config.history)
  // The `on` listeners are subscribed by the core (createWebHooks), which re-subscribes them on `configure`.
  const events = new DeliveryEvents((error, event) =>
    current.logger.warn('web hook event listener threw', { event, error })
  )
  const report = createReporter(current, events, history)
  const endpoints = new Endpoints(
    () => state,
    endpoint => attempts.pump(endpoint)
  )
  endpoints.index(config.hooks)
  // A store that schedules deliveries itself (BullMQ, issue 7) calls back this worker for each attempt.
  const worker = createStoreWorker({
    hookOf: key => endpoints.hookOf(key),
    endpointOf: hook => endpoints.of(hook),
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
    pause: endpoint => health.pause(endpoint),
    markGone: endpoint => health.markGone(endpoint),
    goneError,
    newJob: (hook, stored) => jobFromStored(stored, hook, endpoints.of(hook)),
  })
  // The store bridge is made first; what it calls back (requeue, drop) runs only once the engine is up.
  const journal = createJournal(current, {
    requeue: stored => intake.requeue(stored),
    worker,
    room: () => state.queue.maxSize - state.pendingTotal,
    nothingDue: () => {
      for (const endpoint of endpoints.values()) endpoint.caughtUp()
    },
    bounds: { queue: () => state.queue, drop: job => endings.drop(job, 'overflow', false) },
  })
  const ownTransport = config.transport === undefined
  const state = newEngineState(config, { report, journal, endpoints }, ownTransport)
  const endings = createEndings(state)
  const health = createHealth(state, endings, endpoint => attempts.pump(endpoint))
  const attempts = createAttempts(state, endings, health)
  const intake = createIntake(state, endings)
  const waited = createWaited(state, endings, attempts.pump)
  const lifecycle: LifecycleParts = { current, state, history, endings, ownTransport }
  let closed: Promise<WebHookCloseResult> | undefined

  return {
    enqueue: intake.enqueue,
    deliver: waited.deliver,
    configure: next => configureEngine(lifecycle, next),
    close(options = {}) {
      // A second call (the wrapper's, a test's teardown) gets the first one's result instead of cutting its drain.
      closed ??= shutDown(lifecycle, options.timeout ?? DEFAULT_CLOSE_TIMEOUT)
      return closed
    },
    stats: () => endpoints.stats(state.droppedTotal),
    on: (event, listener) => events.on(event, listener),
    history: query => history.read(query),
    replay: ids => journal.replay(ids),
    deadLetters: (options = {}) => journal.deadLetters(options.limit),
  }
}
