/**
 * `createWebHooks(config)`: the host-agnostic core. It owns the hook table, builds payloads (redacted, serialised,
 * capped) and hands them to the delivery engine. `withWebHooks` is built on it; so are the XO plugin and other
 * adapters, which already have XO-style event data and call `pre(data)` and `post(data)` themselves.
 */
import { HookTable, type MatchedHooks } from './config/hook-table.js'
import { CurrentConfig } from './config/current.js'
import type { ResolvedConfig, ResolvedHook } from './config/normalized.js'
import type { WebHooksConfig } from './config/types.js'
import { createDeliveryEngine } from './delivery/engine.js'
import type { DeliveryEngine } from './delivery/engine-types.js'
import type { WebHookCloseResult } from './contracts/delivery.js'
import { closeAfter, OpenCalls } from './delivery/open-calls.js'
import { WebHookClosedError } from './errors/closed-error.js'
import { createSenderTelemetry, type SenderTelemetry } from './telemetry/sender.js'
import type { WebHooks, WebHookTimeouts } from './core-types.js'
import { EventSender } from './wrapper/event-sender.js'

/**
 * Creates the hook core for `config` (validated now: throws a `WebHookConfigError` when invalid).
 *
 * @example
 * const hooks = createWebHooks({ hooks: [{ method: 'vm.start', type: 'pre/post', url: 'https://hooks.example/' }] })
 * await hooks.pre({ callId, method: 'vm.start', params, timestamp: Date.now() })
 * hooks.post({ callId, method: 'vm.start', params, timestamp: Date.now(), duration: 12, result: true })
 */
export function createWebHooks(config: WebHooksConfig): WebHooks {
  return createCore(new CurrentConfig(config))
}

/** The core on `current`, the one resolved configuration, which `withWebHooks` reads as well. */
export function createCore(current: CurrentConfig): WebHooks {
  // Telemetry (issue 14): fixed at creation; each resolved hook carries it to its attempts.
  const telemetry = createSenderTelemetry(current.resolved.telemetry)
  const traced = (next: ResolvedConfig) => withTelemetry(next, telemetry)
  traced(current.resolved)
  let table = new HookTable(current.resolved.hooks)
  let closed = false
  let closing: Promise<WebHookCloseResult> | undefined
  const calls = new OpenCalls()
  const engine: DeliveryEngine = createDeliveryEngine(current)
  const subscribe = subscriber(engine)
  subscribe(current.resolved.on)
  const unobserve = telemetry?.observe(() => engine.stats())

  const sender = new EventSender(current, engine, telemetry)

  return {
    matches(method) {
      return !closed && table.lookup(method) !== undefined
    },
    pre(data) {
      if (closed) return undefined
      const matched = table.lookup(data.method)
      if (matched === undefined) return undefined
      if (matched.post.length > 0) calls.open(data.callId)
      return matched.pre.length === 0 ? undefined : sender.pre(matched.pre, data)
    },
    timeouts(method) {
      const matched = closed ? undefined : table.lookup(method)
      return matched === undefined ? undefined : timeoutsOf(matched)
    },
    post(data) {
      // After close(), only the calls that started before it still get their post (within close's deadline).
      if (!calls.end(data.callId) && closed) return
      const hooks = table.lookup(data.method)?.post
      if (hooks === undefined || hooks.length === 0) return
      sender.post(hooks, data)
    },
    configure(next) {
      if (closed) throw new WebHookClosedError('configure')
      // Checked in full first (values, then what may change); then the one configuration is swapped whole.
      const resolved = traced(current.prepare(next))
      engine.configure(resolved)
      current.swap(resolved)
      table = new HookTable(resolved.hooks)
      subscribe(resolved.on)
    },
    async test() {
      if (closed) throw new WebHookClosedError('test')
      await testHooks(table.hooks, sender)
    },
    close(options = {}) {
      if (closing !== undefined) return closing
      closed = true
      unobserve?.()
      // Calls already running get their post hooks: the engine keeps taking them until they ended or the deadline.
      closing = closeAfter(calls, options.timeout, remaining => engine.close(remaining))
      return closing
    },
    stats: () => engine.stats(),
    history: query => engine.history(query),
    replay: ids => engine.replay(ids),
    deadLetters: options => engine.deadLetters(options),
    get closed() {
      return closed
    },
    on: (event, listener) => engine.on(event, listener),
  }
}

/** `resolved`, each hook carrying `telemetry` (fixed at creation) to its attempts. */
function withTelemetry(resolved: ResolvedConfig, telemetry: SenderTelemetry | undefined): ResolvedConfig {
  if (telemetry !== undefined) for (const hook of resolved.hooks) hook.telemetry = telemetry
  return resolved
}

/** The configuration's `on` listeners on the engine: each call replaces those of the previous one. */
function subscriber(engine: DeliveryEngine): (listeners: ResolvedConfig['on']) => void {
  let unsubscribe: Array<() => void> = []
  return listeners => {
    for (const off of unsubscribe) off()
    unsubscribe = listeners.map(([event, listener]) => engine.on(event, listener as (event: unknown) => void))
  }
}

/**
 * `test()`, as XO: one method after the other, every pre and post hook of a method at once, one attempt each; the
 * first failure fails the test at once.
 */
async function testHooks(hooks: readonly ResolvedHook[], sender: EventSender): Promise<void> {
  const byMethod = new Map<string, ResolvedHook[]>()
  for (const hook of hooks) byMethod.set(hook.method, [...(byMethod.get(hook.method) ?? []), hook])
  for (const same of byMethod.values()) await Promise.all(same.flatMap(hook => sender.test(hook)))
}

/** How long a call may wait for its matched hooks (see {@link WebHooks.timeouts}). */
function timeoutsOf(matched: MatchedHooks): WebHookTimeouts {
  let waited: number | undefined
  let longest = 0
  for (const hook of matched.pre) {
    if (hook.veto || hook.waitForResponse) waited = Math.max(waited ?? 0, hook.timeout)
    longest = Math.max(longest, hook.timeout)
  }
  for (const hook of matched.post) longest = Math.max(longest, hook.timeout)
  return { waited, longest }
}
