/**
 * `createWebHooks(config)`: the host-agnostic core. It owns the hook table, builds payloads (redacted, serialised,
 * capped) and hands them to the delivery engine. `withWebHooks` is built on it; so are the XO plugin and other
 * adapters, which already have XO-style event data and call `pre(data)` and `post(data)` themselves.
 */
import { HookTable } from './config/hook-table.js'
import { normalizeConfig } from './config/normalize.js'
import type { ResolvedConfig, ResolvedHook } from './config/normalized.js'
import type { WebHookLogger, WebHooksConfig } from './config/types.js'
import { createDeliveryEngine } from './delivery/engine.js'
import type { DeliveryEngine, OutgoingDelivery } from './delivery/engine-types.js'
import type { WebHookDeliveryEventMap, WebHookDeliveryOutcome } from './delivery/types.js'
import { WebHookTestError } from './errors/test-error.js'
import { EventBodies } from './payload/bodies.js'
import { buildRawPostPayload, buildRawPrePayload, type PayloadObject } from './payload/build.js'
import type { WebHookCallData, WebHookPostCallData } from './payload/call-data.js'
import { encodePayload } from './payload/encode.js'
import { deliveryId } from './payload/ids.js'
import { xoTestSample } from './payload/xo-test-sample.js'
import { createSenderTelemetry } from './telemetry/sender.js'
import { decideVeto } from './veto/decide.js'
import type { WebHooksController } from './web-hooks-controller.js'
import type { WebHookVetoError } from './errors/veto-error.js'

/** The core: a hook table bound to a delivery engine. */
export interface WebHooks extends WebHooksController {
  /** Whether any hook fires for `method` (one Map lookup for an unmatched method). */
  matches(method: string): boolean
  /**
   * Sends the pre hooks of a call. Returns `undefined` when nothing is to be waited for (no waiting or veto pre hook),
   * else a promise that resolves once the waiting hooks finished (success, failure or timeout; XO's
   * `waitForResponse`), or rejects with a `WebHookVetoError` when a veto hook refused the call.
   */
  pre(data: WebHookCallData): Promise<void> | undefined
  /** Queues the post hooks of a completed call; never waits, never throws. */
  post(data: WebHookPostCallData): void
}

/** Failures of user callbacks must not escape into the call or the engine. */
function guard<A extends unknown[]>(fn: ((...args: A) => void) | undefined, ...args: A): void {
  try {
    fn?.(...args)
  } catch {}
}

/** A logger that forwards to the current configuration's, so `configure` can change it under a running engine. */
function forwardingLogger(current: () => WebHookLogger | undefined): WebHookLogger {
  return {
    debug: (message, context) => guard(current()?.debug?.bind(current()), message, context),
    info: (message, context) => guard(current()?.info?.bind(current()), message, context),
    warn: (message, context) => guard(current()?.warn.bind(current()), message, context),
    error: (message, context) => guard(current()?.error.bind(current()), message, context),
  }
}

/**
 * Creates the hook core for `config` (validated now: throws a `WebHookConfigError` when invalid).
 *
 * @example
 * const hooks = createWebHooks({ hooks: [{ method: 'vm.start', type: 'pre/post', url: 'https://hooks.example/' }] })
 * await hooks.pre({ callId, method: 'vm.start', params, timestamp: Date.now() })
 * hooks.post({ callId, method: 'vm.start', params, timestamp: Date.now(), duration: 12, result: true })
 */
export function createWebHooks(config: WebHooksConfig): WebHooks {
  let resolved: ResolvedConfig = normalizeConfig(config)
  // Telemetry (issue 14): fixed at creation; each resolved hook carries it to its attempts.
  const telemetry = createSenderTelemetry(config.telemetry)
  const traced = (next: ResolvedConfig) => {
    if (telemetry !== undefined) for (const hook of next.hooks) hook.telemetry = telemetry
    return next
  }
  resolved = traced(resolved)
  let table = new HookTable(resolved.hooks)
  let closed = false
  const engine: DeliveryEngine = createDeliveryEngine({
    ...resolved,
    onError: event => guard(resolved.onError, event),
    logger: forwardingLogger(() => resolved.logger),
  })
  let unsubscribe: Array<() => void> = []

  function subscribe(listeners: WebHooksConfig['on']): void {
    for (const off of unsubscribe) off()
    unsubscribe = []
    for (const [event, listener] of Object.entries(listeners ?? {})) {
      if (typeof listener === 'function') {
        unsubscribe.push(engine.on(event as keyof WebHookDeliveryEventMap, listener as (event: unknown) => void))
      }
    }
  }
  subscribe(config.on)
  const unobserve = telemetry?.observe(() => engine.stats())

  function delivery(hook: ResolvedHook, type: 'pre' | 'post', data: WebHookCallData, body: string): OutgoingDelivery {
    const traceparent = telemetry?.capture()
    return {
      id: deliveryId(),
      hook,
      type,
      callId: data.callId,
      method: data.method,
      body,
      createdAt: Date.now(),
      traceparent,
    }
  }

  /** `engine.deliver`, with a rejection (which the contract rules out) turned into a failed outcome. */
  function deliver(outgoing: OutgoingDelivery, deadline: number): Promise<WebHookDeliveryOutcome> {
    try {
      return engine.deliver(outgoing, deadline).catch(error => ({ id: outgoing.id, ok: false, error, attempts: 0 }))
    } catch (error) {
      return Promise.resolve({ id: outgoing.id, ok: false, error: error as Error, attempts: 0 })
    }
  }

  function sendPre(hooks: readonly ResolvedHook[], data: WebHookCallData): Promise<void> | undefined {
    const bodies = new EventBodies(buildRawPrePayload(data), resolved)
    let waits: Promise<WebHookVetoError | undefined>[] | undefined
    for (const hook of hooks) {
      const outgoing = delivery(hook, 'pre', data, bodies.body(hook.format))
      if (!hook.veto && !hook.waitForResponse) {
        engine.enqueue(outgoing)
        continue
      }
      // Waiting hooks are bounded by their timeout: the call is never delayed past it (retries included).
      const outcome = deliver(outgoing, Date.now() + hook.timeout)
      waits ??= []
      waits.push(outcome.then(result => (hook.veto ? decideVeto(hook, data.method, result) : undefined)))
    }
    if (waits === undefined) return undefined
    return Promise.all(waits).then(denials => {
      const denial = denials.find(error => error !== undefined)
      if (denial !== undefined) throw denial
    })
  }

  return {
    matches(method) {
      return !closed && table.lookup(method) !== undefined
    },
    pre(data) {
      if (closed) return undefined
      const hooks = table.lookup(data.method)?.pre
      if (hooks === undefined || hooks.length === 0) return undefined
      return sendPre(hooks, data)
    },
    post(data) {
      if (closed) return
      const hooks = table.lookup(data.method)?.post
      if (hooks === undefined || hooks.length === 0) return
      const bodies = new EventBodies(buildRawPostPayload(data, resolved.includeErrorStack), resolved)
      for (const hook of hooks) engine.enqueue(delivery(hook, 'post', data, bodies.body(hook.format)))
    },
    configure(next) {
      const nextResolved = traced(normalizeConfig(next))
      engine.configure(nextResolved)
      resolved = nextResolved
      table = new HookTable(nextResolved.hooks)
      subscribe(next.on)
    },
    async test() {
      const tests: Promise<void>[] = []
      for (const hook of table.hooks) {
        for (const type of ['pre', 'post'] as const) {
          if (!hook[type]) continue
          const data = xoTestSample(hook.method)
          const payload: PayloadObject = { type, ...data }
          const outgoing = delivery(hook, type, data, encodePayload(payload, hook.format, resolved.maxPayloadBytes))
          tests.push(
            deliver(outgoing, Date.now() + hook.timeout).then(outcome => {
              if (outcome.ok) return
              throw new WebHookTestError({
                url: hook.safeUrl,
                method: hook.method,
                type,
                status: outcome.status,
                cause: outcome.error,
              })
            })
          )
        }
      }
      await Promise.all(tests)
    },
    close(options) {
      closed = true
      unobserve?.()
      return engine.close(options)
    },
    stats: () => engine.stats(),
    replay: ids => engine.replay(ids),
    on: (event, listener) => engine.on(event, listener),
  }
}
