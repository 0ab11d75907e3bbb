/**
 * Normalisation of the engine-level options, `queue`, `breaker` and `history`: validated (each a `WebHookConfigError` naming its
 * path) and their defaults filled in. Called once by `normalizeConfig`.
 */
import type { BreakerOptions } from './normalized.js'
import { WebHookConfigError } from '../errors/config-error.js'
import { MAX_DURATION } from '../validation/check.js'
import type { QueueSettings } from './normalized.js'
import type { WebHookBreakerOptions, WebHookHistoryOptions, WebHookQueueOptions } from './types.js'

export const DEFAULT_QUEUE: QueueSettings = {
  maxSize: 100_000,
  maxSizePerEndpoint: 10_000,
  overflow: 'drop-oldest',
  fifo: false,
}

export const DEFAULT_BREAKER: BreakerOptions = { threshold: 10, cooldown: 30_000 }

function count(value: unknown, path: string, min: number, max?: number): void {
  if (value === undefined) return
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    throw new WebHookConfigError(
      'ERR_WEB_HOOK_CONFIG_VALUE',
      path,
      `must be an integer ${max === undefined ? `≥ ${min}` : `from ${min} to ${max} (ms; Node's timers hold no more)`}, got ${JSON.stringify(value)}; remove it to use the default`
    )
  }
}

function oneOf(value: unknown, path: string, allowed: readonly string[]): void {
  if (value === undefined || allowed.includes(value as string)) return
  throw new WebHookConfigError(
    'ERR_WEB_HOOK_CONFIG_VALUE',
    path,
    `must be ${allowed.map(item => `'${item}'`).join(' or ')}, got ${JSON.stringify(value)}`
  )
}

/** Validates `queue` and fills in its defaults; throws `WebHookConfigError` (`queue.maxSize`…) when invalid. */
export function queueSettings(queue: WebHookQueueOptions | undefined): QueueSettings {
  count(queue?.maxSize, 'queue.maxSize', 1)
  count(queue?.maxSizePerEndpoint, 'queue.maxSizePerEndpoint', 1)
  oneOf(queue?.overflow, 'queue.overflow', ['drop-oldest', 'drop-newest'])
  oneOf(queue?.ordering, 'queue.ordering', ['per-call', 'fifo'])
  return {
    maxSize: queue?.maxSize ?? DEFAULT_QUEUE.maxSize,
    maxSizePerEndpoint: queue?.maxSizePerEndpoint ?? DEFAULT_QUEUE.maxSizePerEndpoint,
    overflow: queue?.overflow ?? DEFAULT_QUEUE.overflow,
    fifo: queue?.ordering === 'fifo',
  }
}

/** Validates `breaker` and fills in its defaults; throws `WebHookConfigError` (`breaker.threshold`…) when invalid. */
export function breakerSettings(breaker: false | WebHookBreakerOptions | undefined): BreakerOptions | false {
  if (breaker === false) return false
  count(breaker?.threshold, 'breaker.threshold', 1)
  count(breaker?.cooldown, 'breaker.cooldown', 0, MAX_DURATION)
  return {
    threshold: breaker?.threshold ?? DEFAULT_BREAKER.threshold,
    cooldown: breaker?.cooldown ?? DEFAULT_BREAKER.cooldown,
  }
}

export const DEFAULT_HISTORY_SIZE = 2000
/** An upper bound, so that a typo cannot allocate gigabytes: about 300 MB of attempts. */
const MAX_HISTORY = 1_000_000

/** Validates `history` and fills in its default; `false` when off. Throws `WebHookConfigError` (`history.size`). */
export function historySettings(history: false | WebHookHistoryOptions | undefined): number | false {
  if (history === false) return false
  const size = history?.size
  if (size !== undefined && (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_HISTORY)) {
    throw new WebHookConfigError(
      'ERR_WEB_HOOK_CONFIG_VALUE',
      'history.size',
      `must be an integer from 1 to ${MAX_HISTORY} (attempts kept), got ${JSON.stringify(size)}; remove it to use the default (${DEFAULT_HISTORY_SIZE}) or set \`history: false\``
    )
  }
  return history?.size ?? DEFAULT_HISTORY_SIZE
}
