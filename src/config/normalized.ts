/**
 * Internal, fully resolved configuration: produced once by `normalizeConfig`, then read by the wrapper, the payload
 * builder and the delivery engine. Nothing here is public API.
 */
import type { WebHookLogger, WebHookErrorEvent, WebHooksConfig } from './types.js'
import type { LookupFunction } from 'node:net'
import type { WebHookDeliveryEventMap, WebHookTransport } from '../contracts/delivery.js'
import type { WebHookStore } from '../contracts/store.js'
import type { SafeUrlPolicy } from '../security/safe-url.js'
import type { SenderTelemetry } from '../telemetry/sender.js'
import type { WebHookTelemetryOptions } from '../telemetry/types.js'
import type { ResolvedRedact } from '../security/redact.js'

export type { ResolvedRedact } from '../security/redact.js'

/** The breaker's resolved settings (`breaker: false` turns it off). */
export interface BreakerOptions {
  threshold: number
  cooldown: number
}

/** The queue bounds and ordering, resolved (`queue` option). */
export interface QueueSettings {
  maxSize: number
  maxSizePerEndpoint: number
  overflow: 'drop-newest' | 'drop-oldest'
  fifo: boolean
}

export interface ResolvedRetry {
  /** Delays in ms before each retry, or undefined when exponential. */
  schedule: readonly number[] | undefined
  retries: number
  minDelay: number
  maxDelay: number
  jitter: boolean
}

export interface ResolvedHook {
  /** Position in `hooks`, for messages (`hooks[2]`). */
  index: number
  /** The method field as configured (exact name or pattern). */
  method: string
  /** Whether `method` is a pattern (contains `*`). */
  pattern: boolean
  exclude: readonly string[]
  pre: boolean
  post: boolean
  url: string
  /** The URL with credentials removed, for logs, events and stats. */
  displayUrl: string
  /** Queue key: one queue per endpoint (the URL without credentials or fragment). */
  endpoint: string
  format: 'json' | 'office365'
  waitForResponse: boolean
  veto: boolean
  failOpen: boolean
  timeout: number
  retry: ResolvedRetry | false
  /**
   * The retry policy of its waited deliveries (waitForResponse, veto): one attempt (`false`, XO's behaviour: a call
   * is not delayed by retries to a receiver that is down) unless the hook sets its own `retry`.
   */
  waitedRetry: ResolvedRetry | false
  /** Redirects followed at most. */
  redirects: number
  concurrency: number
  /** Decoded HMAC keys, one per active secret. */
  secrets: readonly Uint8Array[]
  /** Extra headers, lower-case names. */
  headers: Readonly<Record<string, string>>
  /** Set by the core when telemetry is on (issue 14): the attempt opens its span with it. */
  telemetry?: SenderTelemetry | undefined
}

export interface ResolvedConfig {
  hooks: readonly ResolvedHook[]
  user: WebHooksConfig['user']
  onError: ((event: WebHookErrorEvent) => void) | undefined
  logger: WebHookLogger | undefined
  includeErrorStack: boolean
  maxPayloadBytes: number
  /** `undefined` when redaction is off (`redact: false`). */
  redact: ResolvedRedact | undefined
  /** The `on` listeners, as `[event, listener]` pairs (the core subscribes them, again after each `configure`). */
  on: readonly (readonly [keyof WebHookDeliveryEventMap, (event: never) => void])[]
  /** The `telemetry` option, validated: the providers to use, or `false` when off. */
  telemetry: WebHookTelemetryOptions | false
  transport: WebHookTransport | undefined
  store: WebHookStore | undefined
  /** Queue bounds and ordering, defaults filled in. */
  queue: QueueSettings
  /** Breaker settings, or `false` when off. */
  breaker: BreakerOptions | false
  /** Attempts the history keeps, or `false` when off. */
  history: number | false
  /** The safe-URL policy, or `undefined` when `safeUrls` is off. */
  safeUrls: SafeUrlPolicy | undefined
  /** What makes two policies the same (`configure` keeps the pool of an unchanged one); `undefined` when off. */
  safeUrlsKey: { allow: string; lookup: LookupFunction | undefined } | undefined
}
