/**
 * The core's deliveries of one event (issue 11): each hook's delivery built (its body encoded once per format for all
 * hooks), then queued, or sent and waited for (waitForResponse, veto, `test()`).
 */
import type { CurrentConfig } from '../config/current.js'
import type { ResolvedHook, ResolvedRetry } from '../config/normalized.js'
import type { DeliveryEngine, OutgoingDelivery } from '../delivery/engine-types.js'
import type { WebHookDeliveryOutcome } from '../contracts/delivery.js'
import { WebHookDeliveryError } from '../errors/delivery-error.js'
import { WebHookPayloadError } from '../errors/payload-error.js'
import { WebHookTestError } from '../errors/test-error.js'
import type { WebHookVetoError } from '../errors/veto-error.js'
import { EventBodies } from '../payload/bodies.js'
import { buildRawPostPayload, buildRawPrePayload, type PayloadObject } from '../payload/build.js'
import type { WebHookCallData, WebHookPostCallData } from '../payload/call-data.js'
import { encodePayload } from '../payload/encode.js'
import { deliveryId } from '../payload/ids.js'
import { xoTestSample } from '../payload/xo-test-sample.js'
import type { SenderTelemetry } from '../telemetry/sender.js'
import { decideVeto } from '../veto/decide.js'

export class EventSender {
  readonly #current: CurrentConfig
  readonly #engine: DeliveryEngine
  readonly #telemetry: SenderTelemetry | undefined

  constructor(current: CurrentConfig, engine: DeliveryEngine, telemetry: SenderTelemetry | undefined) {
    this.#current = current
    this.#engine = engine
    this.#telemetry = telemetry
  }

  /**
   * Sends the pre hooks of a call: `undefined` when none is waited for, else a promise that resolves once the waited
   * ones finished, or rejects with the first veto.
   */
  pre(hooks: readonly ResolvedHook[], data: WebHookCallData): Promise<void> | undefined {
    const bodies = new EventBodies(buildRawPrePayload(data), this.#current.resolved, data)
    let waits: Promise<WebHookVetoError | undefined>[] | undefined
    for (const hook of hooks) {
      const outgoing = this.#prepare(hook, 'pre', data, bodies)
      if (!hook.veto && !hook.waitForResponse) {
        this.#engine.enqueue(outgoing)
        continue
      }
      // Waiting hooks are bounded by their timeout: the call is never delayed past it. One attempt, as XO, unless
      // the hook asks for retries (then only within that timeout).
      const outcome = this.#deliver(outgoing, Date.now() + hook.timeout, hook.waitedRetry)
      waits ??= []
      waits.push(outcome.then(result => (hook.veto ? decideVeto(hook, data.method, result) : undefined)))
    }
    if (waits === undefined) return undefined
    return Promise.all(waits).then(denials => {
      const denial = denials.find(error => error !== undefined)
      if (denial !== undefined) throw denial
    })
  }

  /** Queues the post hooks of a completed call. */
  post(hooks: readonly ResolvedHook[], data: WebHookPostCallData): void {
    const resolved = this.#current.resolved
    const bodies = new EventBodies(buildRawPostPayload(data, resolved.includeErrorStack), resolved, data)
    for (const hook of hooks) this.#engine.enqueue(this.#prepare(hook, 'post', data, bodies))
  }

  /** The test deliveries of one hook (its pre and post), each rejecting with a `WebHookTestError` when it fails. */
  test(hook: ResolvedHook): Promise<void>[] {
    const tests: Promise<void>[] = []
    for (const type of ['pre', 'post'] as const) {
      if (!hook[type]) continue
      const data = xoTestSample(hook.method)
      const payload: PayloadObject = { type, ...data }
      const body = encodePayload(payload, hook.format, this.#current.resolved.maxPayloadBytes)
      const outgoing = this.#delivery(hook, type, data, body)
      tests.push(
        this.#deliver(outgoing, Date.now() + hook.timeout, false).then(outcome => {
          if (outcome.ok) return
          const { status, error: cause } = outcome
          throw new WebHookTestError({ url: hook.displayUrl, method: hook.method, type, status, cause })
        })
      )
    }
    return tests
  }

  #delivery(hook: ResolvedHook, type: 'pre' | 'post', data: WebHookCallData, body: string): OutgoingDelivery {
    const traceparent = this.#telemetry?.capture()
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

  /** The delivery of one hook for an event, its body encoded (once per format for all hooks). */
  #prepare(hook: ResolvedHook, type: 'pre' | 'post', data: WebHookCallData, bodies: EventBodies): OutgoingDelivery {
    const outgoing = this.#delivery(hook, type, data, bodies.body(hook.format))
    this.#reportUnserializable(bodies, outgoing)
    return outgoing
  }

  /** `engine.deliver`, with a rejection (which the contract rules out) turned into a failed outcome. */
  #deliver(
    outgoing: OutgoingDelivery,
    deadline: number,
    retry: ResolvedRetry | false
  ): Promise<WebHookDeliveryOutcome> {
    const failed = (cause: unknown): WebHookDeliveryOutcome => ({
      id: outgoing.id,
      ok: false,
      error: new WebHookDeliveryError('ERR_WEB_HOOK_DELIVERY_NETWORK', { url: outgoing.hook.displayUrl, cause }),
      attempts: 0,
    })
    try {
      return this.#engine.deliver(outgoing, deadline, retry).catch(failed)
    } catch (error) {
      return Promise.resolve(failed(error))
    }
  }

  /** A field sent as an `"[Unserializable: …]"` marker is reported to `onError`, once per delivery (still sent). */
  #reportUnserializable(bodies: EventBodies, outgoing: OutgoingDelivery): void {
    const [first] = bodies.unserializable
    if (first === undefined) return
    const error = new WebHookPayloadError(
      'ERR_WEB_HOOK_PAYLOAD_UNSERIALIZABLE',
      first.field,
      `could not be serialised (${first.reason}): sent as "[Unserializable: …]". Return JSON values from ` +
        `${outgoing.method}, or give the value a toJSON that does not throw`
    )
    this.#current.onError({
      error,
      url: outgoing.hook.displayUrl,
      method: outgoing.method,
      type: outgoing.type,
      callId: outgoing.callId,
      deliveryId: outgoing.id,
    })
  }
}
