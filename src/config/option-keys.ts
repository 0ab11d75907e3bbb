/**
 * The known keys of each object of the configuration, one list per object: an option added to a type is added here
 * too, and the unknown-key check (known-keys.ts) accepts it. The `satisfies` clauses make a key that is not in the
 * type a compile error.
 */
import type { WebHookDeliveryEventMap } from '../contracts/delivery.js'
import type { KeyElsewhere } from '../validation/known-keys.js'
import type {
  HookConfig,
  WebHookBreakerOptions,
  WebHookDeliveryOptions,
  WebHookHistoryOptions,
  WebHookQueueOptions,
  WebHookRedactOptions,
  WebHookRetryOptions,
  WebHookSafeUrlOptions,
  WebHooksConfig,
} from './types.js'

type Keys<T> = readonly (keyof T & string)[]

/** Delivery options, set for all hooks or per hook. */
export const DELIVERY_KEYS = [
  'timeout',
  'retry',
  'concurrency',
  'secret',
  'headers',
  'redirects',
] as const satisfies Keys<WebHookDeliveryOptions>

export const CONFIG_KEYS = [
  'hooks',
  ...DELIVERY_KEYS,
  'user',
  'onError',
  'logger',
  'redact',
  'includeErrorStack',
  'maxPayloadBytes',
  'safeUrls',
  'queue',
  'breaker',
  'transport',
  'store',
  'on',
  'telemetry',
  'history',
] as const satisfies Keys<WebHooksConfig>

export const HOOK_KEYS = [
  'method',
  'exclude',
  'type',
  'url',
  'format',
  'waitForResponse',
  'veto',
  'failOpen',
  ...DELIVERY_KEYS,
] as const satisfies Keys<HookConfig>

export const RETRY_KEYS = [
  'schedule',
  'retries',
  'minDelay',
  'maxDelay',
  'jitter',
] as const satisfies Keys<WebHookRetryOptions>

export const REDACT_KEYS = [
  'keys',
  'patterns',
  'result',
  'error',
  'replacement',
] as const satisfies Keys<WebHookRedactOptions>

export const QUEUE_KEYS = [
  'maxSize',
  'maxSizePerEndpoint',
  'overflow',
  'ordering',
] as const satisfies Keys<WebHookQueueOptions>

export const BREAKER_KEYS = ['threshold', 'cooldown'] as const satisfies Keys<WebHookBreakerOptions>

export const HISTORY_KEYS = ['size'] as const satisfies Keys<WebHookHistoryOptions>

export const SAFE_URL_KEYS = ['allow', 'lookup'] as const satisfies Keys<WebHookSafeUrlOptions>

export const EVENT_NAMES = [
  'delivery:succeeded',
  'delivery:failed',
  'delivery:given-up',
  'delivery:dropped',
  'endpoint:paused',
  'endpoint:resumed',
  'endpoint:gone',
  'delivery:vetoed',
] as const satisfies Keys<WebHookDeliveryEventMap>

/**
 * The other direction: a key of the type that its list lacks is a compile error here, naming the key (`Type
 * '"redirects"' does not satisfy the constraint 'never'`), so a new option cannot be refused as unknown.
 */
type Unlisted<T, List extends readonly string[]> = Exclude<keyof T & string, List[number]>
type NoneUnlisted<Missing extends never> = Missing
export type OptionListsComplete = [
  NoneUnlisted<Unlisted<WebHookDeliveryOptions, typeof DELIVERY_KEYS>>,
  NoneUnlisted<Unlisted<WebHooksConfig, typeof CONFIG_KEYS>>,
  NoneUnlisted<Unlisted<HookConfig, typeof HOOK_KEYS>>,
  NoneUnlisted<Unlisted<WebHookRetryOptions, typeof RETRY_KEYS>>,
  NoneUnlisted<Unlisted<WebHookRedactOptions, typeof REDACT_KEYS>>,
  NoneUnlisted<Unlisted<WebHookQueueOptions, typeof QUEUE_KEYS>>,
  NoneUnlisted<Unlisted<WebHookBreakerOptions, typeof BREAKER_KEYS>>,
  NoneUnlisted<Unlisted<WebHookSafeUrlOptions, typeof SAFE_URL_KEYS>>,
  NoneUnlisted<Unlisted<WebHookDeliveryEventMap, typeof EVENT_NAMES>>,
  NoneUnlisted<Unlisted<WebHookHistoryOptions, typeof HISTORY_KEYS>>,
]

/** Retry options set beside `retry` instead of in it (at the top level or on a hook). */
export function retryElsewhere(prefix: string): KeyElsewhere {
  return Object.fromEntries(RETRY_KEYS.map(key => [key, `${prefix}retry.${key}`]))
}
