/** The options of `createReceiver` (public types, TSDoc with their defaults); resolved once in options.ts. */
import type { WebHookTelemetry } from '../telemetry/types.js'
import type { AnyWebHookMethods, WebHookMethodMap } from '../payload/types.js'
import type { WebHookDedupeStore } from './dedupe.js'
import type { WebHookTestPayload } from './parse.js'
import type { WebHookHandlerState, WebHookOrphanState, WebHookReceiverErrorState } from './types.js'

/** Deduplication on `webhook-id`. */
export interface WebHookDedupeOptions {
  /**
   * Where handled ids are remembered.
   * @default createMemoryDedupeStore()
   */
  store?: WebHookDedupeStore
  /**
   * How long an id is remembered, in ms: longer than the sender's whole retry schedule.
   * @default 86400000 (24 hours)
   */
  ttl?: number
}

/** Options of `createReceiver`. */
export interface WebHookReceiverOptions<Api extends WebHookMethodMap<Api> = AnyWebHookMethods> {
  /**
   * The Standard Webhooks secret(s) (`whsec_…`) the sender signs with; several during a rotation. Without it, requests
   * are NOT verified: anyone who can reach the receiver can send it hooks. Use that only on a trusted network.
   * Present but `undefined`, empty or `[]` (an unset environment variable) is an error, never "no verification".
   * @example process.env.WEBHOOK_SECRET
   */
  secret?: string | readonly string[] | undefined
  /**
   * Largest accepted age (or advance) of `webhook-timestamp`, in seconds. Only with `secret`.
   * @default 300
   */
  tolerance?: number
  /**
   * Largest accepted body, in bytes; a larger one is answered 413 without being read to its end.
   * @default 1048576 (1 MiB)
   */
  maxBodyBytes?: number
  /**
   * Longest wait for a whole body, in ms, in `receiver.node`: a client still sending after it (a trickling, slow or
   * stalled connection) is answered 408 and its connection closed, instead of holding it as long as Node's server
   * timeouts allow. The sender's retry delivers it again.
   * @default 5000
   */
  bodyTimeout?: number
  /**
   * Deduplication on `webhook-id` (a retried delivery is answered 204 without running handlers again); `false` to
   * turn it off.
   * @default { store: createMemoryDedupeStore(), ttl: 86400000 }
   */
  dedupe?: false | WebHookDedupeOptions
  /**
   * How long `onCall` waits, in ms, for the other half of a call before reporting the half it has to `onOrphan`.
   * Long calls (backups) need a long wait.
   * @default 3600000 (1 hour)
   */
  orphanTtl?: number
  /**
   * Called with the half of a call whose other half did not arrive within `orphanTtl` (only when there are `onCall`
   * handlers).
   * @example onOrphan: ({ callId, pre, post }) => log.warn('incomplete call', { callId, pre, post })
   */
  onOrphan?: (state: WebHookOrphanState<Api>) => void
  /**
   * Called with Xen Orchestra's test sample (`callId: "0"`, `timestamp: 0`, sent by XO's Test button, the sender's
   * `test()` and `rpc-web-hooks test`), which is answered 204 without running the handlers.
   * @example onTest: ({ payload }) => console.log(`test ${payload.type} hook for ${payload.method} received`)
   */
  onTest?: (state: WebHookHandlerState<WebHookTestPayload>) => void
  /**
   * Called for every refused request (4xx) and failed handler (500), for logging.
   * @example onError: ({ error, status }) => log.warn(`web hook refused (${status}): ${error.message}`)
   */
  onError?: (state: WebHookReceiverErrorState<Api>) => void
  /**
   * OpenTelemetry (issue 14, docs/telemetry.md): continues the sender's trace (`traceparent`) in a SERVER span around
   * the handlers and counts `webhook.received`. The global providers by default; `false` records nothing.
   * @default {} (the global providers)
   */
  telemetry?: WebHookTelemetry
}
