/**
 * The public configuration of `withWebHooks`. Its `hooks` entries are Xen Orchestra's, field for field, so an XO
 * configuration (`{ hooks: [...] }` as XO stores it) works unchanged; every other field is optional and adds to XO.
 *
 * @packageDocumentation
 */
import type { LiteralUnion } from 'type-fest'
import type { WebHookTelemetry } from '../telemetry/types.js'
import type { WebHookDeliveryEventMap, WebHookDeliveryFailure, WebHookTransport } from '../contracts/delivery.js'
import type { WebHookStore } from '../contracts/store.js'
import type { WebHookPayloadError } from '../errors/payload-error.js'
import type { WebHookUserError } from '../errors/user-error.js'
import type { WebHookDeliveryOptions, WebHookRedactOptions, WebHookSafeUrlOptions } from './delivery-option-types.js'
import type { WebHookQueueOptions, WebHookBreakerOptions, WebHookHistoryOptions } from './engine-option-types.js'

export type {
  WebHookRetryOptions,
  WebHookSafeUrlOptions,
  WebHookRedactOptions,
  WebHookDeliveryOptions,
} from './delivery-option-types.js'
export type { WebHookQueueOptions, WebHookBreakerOptions, WebHookHistoryOptions } from './engine-option-types.js'

/** When a hook fires: before the call, after it, or both (Xen Orchestra's values). */
export type WebHookType = 'pre' | 'post' | 'pre/post'

/** The body sent: XO's JSON payload, or a Microsoft Teams / Office 365 MessageCard. */
export type WebHookFormat = 'json' | 'office365'

/**
 * One hook, as Xen Orchestra's web-hooks plugin stores it, with optional extensions.
 *
 * @example { method: 'vm.start', type: 'pre/post', url: 'https://hooks.example/xo', format: 'json' }
 */
export interface HookConfig extends WebHookDeliveryOptions {
  /**
   * The method the hook is bound to: an exact name (`vm.start`, as in XO), or a pattern where `*` matches any run of
   * characters: `vm.*` (any method whose name starts with `vm.`), `*` (every method). When several hooks to the same
   * `url` match a method for the same event, only the most specific fires (docs/configuration.md#method-patterns).
   * @example 'vm.start'
   * @example 'vm.*'
   */
  method: string
  /**
   * Method patterns excluded from `method`, e.g. `['vm.stats', 'vm.get*']`.
   * @default []
   */
  exclude?: readonly string[]
  /** `pre`: before the call; `post`: after it completed; `pre/post`: both. */
  type: LiteralUnion<WebHookType, string>
  /** The full URL the request is sent to (http or https). */
  url: string
  /**
   * Payload format.
   * @default 'json'
   */
  format?: LiteralUnion<WebHookFormat, string>
  /**
   * Pre hooks only: the call waits until this hook's request finished (success, failure or timeout). It never aborts
   * the call (Xen Orchestra's meaning). One attempt, as XO, unless this hook sets its own `retry` (then retried
   * within `timeout` only).
   * @default false
   */
  waitForResponse?: boolean
  /**
   * Pre hooks only: the call goes ahead only when the hook answers 2xx; another answer rejects the call with a
   * `WebHookVetoError`. Implies waiting: one attempt, unless this hook sets its own `retry` (then retried within
   * `timeout` only).
   * @default false
   */
  veto?: boolean
  /**
   * Veto hooks only: when the hook cannot be reached or times out, let the call go ahead (fail-open) instead of
   * denying it (fail-closed).
   * @default false
   */
  failOpen?: boolean
}

/** Who made a call, as returned by the `user` option. */
export interface WebHookUser {
  /** Sent as `userId`. */
  id?: string | undefined
  /** Sent as `userName`. */
  name?: string | undefined
  /** Sent as `userIp`. */
  ip?: string | undefined
}

/**
 * Why a delivery failed, given to `onError`. Also used when the `user` option throws (`error` is then a
 * `WebHookUserError`, `url` and `deliveryId` are `''`): the call goes on either way.
 */
export interface WebHookErrorEvent {
  /**
   * The error: a `WebHookDeliveryError` for HTTP failures, a `WebHookUnsafeUrlError` when `safeUrls` refused the
   * address, a `WebHookUserError` when `user` threw, a `WebHookPayloadError` (`ERR_WEB_HOOK_PAYLOAD_UNSERIALIZABLE`)
   * when a value could not be serialised and was sent as a marker. Narrow on `code`.
   */
  error: WebHookDeliveryFailure | WebHookUserError | WebHookPayloadError
  /** The hook's URL, credentials removed (`''` when the error is not a delivery's). */
  url: string
  /** The method of the call. */
  method: string
  /** `pre` or `post`. */
  type: 'pre' | 'post'
  /** The call's id. */
  callId: string
  /** The delivery id (`webhook-id` header; `''` when the error is not a delivery's). */
  deliveryId: string
}

/**
 * A logger; `console`, pino and most loggers satisfy it. Methods are called with a message and a context object.
 */
export interface WebHookLogger {
  debug?(message: string, context?: object): void
  info?(message: string, context?: object): void
  warn(message: string, context?: object): void
  error(message: string, context?: object): void
}

/**
 * The configuration of `withWebHooks`. An XO web-hooks configuration (`{ hooks: [...] }`) is one as it is.
 *
 * @typeParam Context - the dispatcher's third argument (a connection, a request…).
 */
export interface WebHooksConfig<Context = any, Params = any> extends WebHookDeliveryOptions {
  /** The hooks. */
  hooks: readonly HookConfig[]
  /**
   * Who made the call, for `userId`, `userName` and `userIp`. Called once per matched call, with the dispatcher's
   * arguments; may be async. Without it, payloads have no user fields. An async one never delays the call for its post
   * hooks and plain pre hooks (they go out once it settles); only waiting or veto pre hooks wait for it, at most their
   * `timeout`. If it throws, rejects or does not settle within the longest timeout of the method's hooks, the call goes
   * on, its hooks say `userName: "(unknown user)"` (as XO's), and a `WebHookUserError` is reported to `onError` and
   * the logger.
   * @default undefined
   * @example user: connection => ({ id: connection.userId, name: connection.userName, ip: connection.remoteAddress })
   */
  user?: (
    context: Context,
    method: string,
    params: Params
  ) => WebHookUser | undefined | Promise<WebHookUser | undefined>
  /**
   * Called for each delivery that failed for good (after its retries), and when `user` throws. What it throws is
   * ignored; it never reaches the call.
   * @default undefined
   * @example onError: ({ error, url, method, type }) => log.warn(`${type} hook of ${method} to ${url} failed`, error)
   */
  onError?: (event: WebHookErrorEvent) => void
  /**
   * Where failures and state changes are logged.
   * @default undefined (silent)
   */
  logger?: WebHookLogger
  /**
   * OpenTelemetry traces and metrics (issue 14, docs/telemetry.md): a CLIENT span per delivery attempt in the call's
   * trace, `traceparent` sent to the receiver, the `webhook.*` metrics. Uses the global providers by default (it
   * needs `@opentelemetry/api` installed and an SDK registered); these options give explicit ones; `false` records
   * nothing. Fixed when created: `configure` does not change it.
   * @default {} (the global providers)
   * @example telemetry: { tracerProvider, meterProvider }
   */
  telemetry?: WebHookTelemetry
  /** Redaction; `false` turns XO's default obfuscation off. */
  redact?: false | WebHookRedactOptions
  /**
   * Send error stacks in post payloads (XO does; we do not by default).
   * @default false
   */
  includeErrorStack?: boolean
  /**
   * Largest body sent, in bytes; a larger payload has its largest fields replaced by a marker.
   * @default 1048576
   */
  maxPayloadBytes?: number
  /**
   * Refuse private, loopback, link-local, CGNAT and cloud-metadata addresses, checked on the resolved address.
   * @default false
   */
  safeUrls?: boolean | WebHookSafeUrlOptions
  /** Queue bounds, overflow policy and ordering. */
  queue?: WebHookQueueOptions
  /** Circuit breaker per endpoint; `false` turns it off. */
  breaker?: false | WebHookBreakerOptions
  /**
   * The history of recent attempts and per-endpoint rolling counters, read by `webHooks.history()` and the dashboard
   * (`rpc-web-hooks/dashboard`); `false` turns it off (nothing recorded, `history()` says `enabled: false`).
   * @default { size: 2000 }
   */
  history?: false | WebHookHistoryOptions
  /**
   * How requests are sent.
   * @default undiciTransport() on Node
   */
  transport?: WebHookTransport
  /**
   * Where pending deliveries are kept.
   * @default memoryStore()
   */
  store?: WebHookStore
  /** Listeners of delivery events, keyed by event name (also available as `.webHooks.on`). */
  on?: { [E in keyof WebHookDeliveryEventMap]?: (event: WebHookDeliveryEventMap[E]) => void }
}
