/**
 * The public configuration of `withWebHooks`. Its `hooks` entries are Xen Orchestra's, field for field, so an XO
 * configuration (`{ hooks: [...] }` as XO stores it) works unchanged; every other field is optional and adds to XO.
 *
 * @packageDocumentation
 */
import type { LookupFunction } from 'node:net'
import type { LiteralUnion } from 'type-fest'
import type { WebHookTelemetry } from '../telemetry/types.js'
import type {
  WebHookDeliveryEventMap,
  WebHookDeliveryFailure,
  WebHookStore,
  WebHookTransport,
} from '../delivery/types.js'
import type { WebHookPayloadError } from '../errors/payload-error.js'
import type { WebHookUserError } from '../errors/user-error.js'

/** When a hook fires: before the call, after it, or both (Xen Orchestra's values). */
export type WebHookType = 'pre' | 'post' | 'pre/post'

/** The body sent: XO's JSON payload, or a Microsoft Teams / Office 365 MessageCard. */
export type WebHookFormat = 'json' | 'office365'

/**
 * Retry policy of deliveries. `false` turns retries off.
 *
 * @example { schedule: [1000, 5000, 30000] }
 * @example { retries: 5, minDelay: 500, maxDelay: 60000 }
 */
export interface WebHookRetryOptions {
  /**
   * Explicit delays in ms before each retry; its length is the number of retries. Takes precedence over the
   * exponential fields.
   */
  schedule?: readonly number[]
  /**
   * Number of retries after the first attempt, with exponential backoff and full jitter.
   * @default 5
   */
  retries?: number
  /**
   * Delay before the first retry, in ms (doubled on each retry).
   * @default 1000
   */
  minDelay?: number
  /**
   * Cap on one retry delay, in ms (also the cap on an honoured `Retry-After`).
   * @default 300000
   */
  maxDelay?: number
  /**
   * Randomise delays (full jitter) so that many senders do not retry in lock-step.
   * @default true
   */
  jitter?: boolean
}

/** Safe-URL policy against server-side request forgery. */
export interface WebHookSafeUrlOptions {
  /**
   * Hosts, IP addresses or CIDR ranges that stay allowed even though they are private, e.g.
   * `['hooks.internal.example', '10.1.2.0/24']`. A host entry may start with `*.` to allow its subdomains.
   * @default []
   */
  allow?: readonly string[]
  /**
   * How host names are resolved before their addresses are checked: node:dns `lookup`'s signature. It is called with
   * `all: true` and may answer an array or a single address. Mostly for tests (map a name to 127.0.0.1) or a custom
   * resolver.
   * @default lookup from node:dns
   * @example { lookup: (hostname, options, callback) => callback(null, '127.0.0.1', 4) }
   */
  lookup?: LookupFunction
}

/** Redaction of secrets in payloads. XO's obfuscation of `params` is the default. */
export interface WebHookRedactOptions {
  /**
   * Extra keys whose string values are obfuscated (exact names, case-sensitive), added to XO's `token`,
   * `passphrase`, `encryptionKey` and `/password/i`.
   * @default []
   */
  keys?: readonly string[]
  /**
   * Extra patterns matched against key names (a string is compiled case-insensitively).
   * @default []
   */
  patterns?: readonly (RegExp | string)[]
  /**
   * Obfuscate `result` too.
   * @default false
   */
  result?: boolean
  /**
   * Obfuscate `error` too.
   * @default false
   */
  error?: boolean
  /**
   * Replacement text.
   * @default '* obfuscated *'
   */
  replacement?: string
}

/** Delivery options a hook may set for itself, overriding the configuration's. */
export interface WebHookDeliveryOptions {
  /**
   * Request timeout in ms (headers and body).
   * @default 10000
   */
  timeout?: number
  /**
   * Retries; `false` for none. Waited pre hooks (`waitForResponse`, `veto`) make one attempt unless the hook itself
   * sets `retry` (the top-level one is for fire-and-forget deliveries).
   * @default { retries: 5, minDelay: 1000, maxDelay: 300000, jitter: true }
   */
  retry?: false | WebHookRetryOptions
  /**
   * Redirects followed at most (0 to 20). 307 and 308 keep the POST and its body; 301, 302 and 303 turn it into a
   * GET without body, as fetch does. Each hop is checked by `safeUrls`; on a hop to another origin, credentials, the
   * signature and the hook's own headers are not sent. The final URL is in delivery events (`redirectedTo`) and
   * `stats()`. 0 (the default, as Standard Webhooks advises): a 3xx is a failed delivery. The XO plugin follows 5, as
   * XO does.
   * @default 0
   */
  redirects?: number
  /**
   * Requests in flight at once to one endpoint (URL).
   * @default 8
   */
  concurrency?: number
  /**
   * Standard Webhooks secret(s) (`whsec_…`): every request is signed with each of them (several during rotation).
   * Present but `undefined`, `null` or `[]` (an unset environment variable) is an error: leave the key out to send
   * unsigned.
   * @example 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
   */
  secret?: string | readonly string[] | undefined
  /**
   * Extra request headers, e.g. `{ authorization: 'Bearer …' }`. `content-type` and `webhook-*` are ours and cannot be
   * set here.
   * @default {}
   */
  headers?: Readonly<Record<string, string>>
}

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

/** Bounds on queued deliveries. */
export interface WebHookQueueOptions {
  /**
   * Most deliveries queued across all endpoints.
   * @default 100000
   */
  maxSize?: number
  /**
   * Most deliveries queued for one endpoint.
   * @default 10000
   */
  maxSizePerEndpoint?: number
  /**
   * What happens to a delivery that does not fit: `drop-newest` refuses it, `drop-oldest` evicts the oldest queued
   * one of the same endpoint. Either way it is counted and reported (`delivery:dropped`), never silently lost.
   * @default 'drop-oldest'
   */
  overflow?: 'drop-newest' | 'drop-oldest'
  /**
   * `per-call`: a call's post is never delivered to a URL before its pre; `fifo`: strict first-in-first-out per
   * endpoint (one request in flight per endpoint).
   * @default 'per-call'
   */
  ordering?: 'per-call' | 'fifo'
}

/** Circuit breaker per endpoint. */
export interface WebHookBreakerOptions {
  /**
   * Consecutive failures that open the breaker (the endpoint is paused; its deliveries stay queued).
   * @default 10
   */
  threshold?: number
  /**
   * Time in ms before a paused endpoint is probed again.
   * @default 30000
   */
  cooldown?: number
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

/** The delivery history (`history`): how much of it is kept. */
export interface WebHookHistoryOptions {
  /**
   * Attempts kept, newest first (about 270 bytes each, docs/performance.md); the most recent bodies are kept too, about
   * 1 MiB in all.
   * @default 2000
   */
  size?: number
}
