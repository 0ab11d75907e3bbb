/**
 * The engine's lifecycle (issue 11): the transport it owns, `configure()` (the settings swapped in, checked already by
 * `CurrentConfig.prepare`) and `close()` (stop intake, drain until the timeout, end what is left, return the
 * undelivered).
 */
import type { CurrentConfig } from '../config/current.js'
import type { ResolvedConfig } from '../config/normalized.js'
import { sameSafeUrls } from '../config/reconfigure.js'
import { WebHookDeliveryError } from '../errors/delivery-error.js'
import type { SafeUrlPolicy } from '../security/safe-url.js'
import type { Endings } from './endings.js'
import type { EngineState } from './engine-state.js'
import type { DeliveryHistory } from './history.js'
import { infoOf } from './job.js'
import { proxyInUse, undiciTransport } from './transports/undici.js'
import type { WebHookCloseResult, WebHookDeliveryInfo, WebHookTransport } from '../contracts/delivery.js'

/**
 * The engine's own transport, with the safe-URL lookup, and where safe URLs are checked: at connect time, except
 * through a proxy, where the connection is to the proxy and the proxy resolves the target.
 */
export function defaultTransport(safeUrls: SafeUrlPolicy | undefined): {
  transport: WebHookTransport
  connectTimeCheck: boolean
} {
  const transport = undiciTransport(safeUrls === undefined ? {} : { lookup: safeUrls.lookup })
  return { transport, connectTimeCheck: !proxyInUse() }
}

/** The engine's state at start: the configuration's settings, no delivery yet. */
export function newEngineState(
  config: ResolvedConfig,
  made: Pick<EngineState, 'report' | 'journal' | 'endpoints'>,
  ownTransport: boolean
): EngineState {
  return {
    queue: config.queue,
    breaker: config.breaker,
    safeUrls: config.safeUrls,
    ...(ownTransport
      ? defaultTransport(config.safeUrls)
      : { transport: config.transport as WebHookTransport, connectTimeCheck: false }),
    ...made,
    pendingTotal: 0,
    droppedTotal: 0,
    active: 0,
    closing: false,
    drained: undefined,
    inFlightJobs: new Set(),
  }
}

export interface LifecycleParts {
  current: CurrentConfig
  state: EngineState
  history: DeliveryHistory
  endings: Endings
  /** The engine made its transport (none was configured): it replaces and closes it. */
  ownTransport: boolean
}

/** `configure(next)`: everything that can be refused was checked before; `current` is still the previous one. */
export function configureEngine({ current, state, history, ownTransport }: LifecycleParts, next: ResolvedConfig): void {
  state.queue = next.queue
  state.breaker = next.breaker
  if (!sameSafeUrls(current.resolved, next)) {
    state.safeUrls = next.safeUrls
    if (ownTransport) {
      // Pooled keep-alive sockets would skip the new lookup: a fresh pool; the old one finishes what it has.
      const previous = state.transport
      Object.assign(state, defaultTransport(state.safeUrls))
      previous.close?.().catch(() => {})
    }
  }
  history.resize(next.history)
  state.endpoints.index(next.hooks)
  for (const endpoint of state.endpoints.values()) {
    endpoint.reconfigure(state.endpoints.hookOf(endpoint.key), state.breaker)
    endpoint.schedule()
  }
}

/** Stops intake, drains until `timeout`, then ends what is left and returns the undelivered. */
export async function shutDown(parts: LifecycleParts, timeout: number): Promise<WebHookCloseResult> {
  const { state } = parts
  const { journal } = state
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
  endWhatIsLeft(parts, undelivered)
  if (parts.ownTransport) await state.transport.close?.()
  await journal.close(Math.max(0, deadline - Date.now()))
  undelivered.sort((a, b) => a.createdAt - b.createdAt)
  return { undelivered }
}

/** After the drain: every job still waiting or in flight ends closed; the fire-and-forget ones are `undelivered`. */
function endWhatIsLeft({ state, endings }: LifecycleParts, undelivered: WebHookDeliveryInfo[]): void {
  for (const endpoint of state.endpoints.values()) {
    endpoint.retries.stop()
    clearTimeout(endpoint.probeTimer)
    clearTimeout(endpoint.throttleTimer)
    const jobs = endpoint.drainWaiting()
    for (const job of state.inFlightJobs) if (job.endpoint === endpoint && !job.done) jobs.push(job)
    for (const job of jobs) {
      if (job.done) continue
      if (job.inFlight) {
        job.inFlight = false
        endpoint.attemptEnded()
        job.controller?.abort()
      }
      if (job.resolve === undefined) undelivered.push(infoOf(job))
      job.error = new WebHookDeliveryError('ERR_WEB_HOOK_DELIVERY_CLOSED', { url: endpoint.url })
      state.journal.keep(job)
      endings.finish(job, false)
    }
  }
}
