/**
 * Defaults of the engine-level options (queue, breaker) read from the source configuration; CORE's normalisation
 * validates them, this only fills in what is absent.
 */
import type { WebHookBreakerOptions, WebHookQueueOptions, WebHooksConfig } from '../config/types.js'
import { MAX_DURATION } from '../validation/check.js'
import { WebHookConfigError } from '../errors/config-error.js'
import type { QueueSettings, ResolvedConfig } from '../config/normalized.js'
import type { BreakerOptions } from './breaker.js'

export const DEFAULT_QUEUE: QueueSettings = {
  maxSize: 100_000,
  maxSizePerEndpoint: 10_000,
  overflow: 'drop-oldest',
  fifo: false,
}

export const DEFAULT_BREAKER: BreakerOptions = { threshold: 10, cooldown: 30_000 }

/** `close()` waits this long by default, ms. */
export const DEFAULT_CLOSE_TIMEOUT = 10_000

/** Response bodies are kept up to this many characters. */
export const MAX_RESPONSE_BODY = 4096

/** A response body read past this many bytes is cut, by every transport: losing the connection costs less. */
export const MAX_RESPONSE_BYTES = 65_536

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

/** Throws when `next` changes an option that `configure()` cannot change on a running engine (first config: `first`). */
export function assertReconfigurable(first: ResolvedConfig, next: ResolvedConfig): void {
  if (next.queue.fifo !== first.queue.fifo) throw fixedOption('queue.ordering')
  if (next.transport !== undefined && next.transport !== first.transport) throw fixedOption('transport')
  if (next.store !== undefined && next.store !== first.store) throw fixedOption('store')
}

function fixedOption(path: string): WebHookConfigError {
  return new WebHookConfigError(
    'ERR_WEB_HOOK_CONFIG_VALUE',
    path,
    'cannot be changed by configure(); close() this wrapper and create a new one with the new value'
  )
}

/** Whether two `safeUrls` options mean the same policy (same allow-list, same lookup function). */
export function sameSafeUrls(a: WebHooksConfig['safeUrls'], b: WebHooksConfig['safeUrls']): boolean {
  if (a === b) return true
  if (!a || !b) return !a && !b
  const left = a === true ? {} : a
  const right = b === true ? {} : b
  return left.lookup === right.lookup && JSON.stringify(left.allow ?? []) === JSON.stringify(right.allow ?? [])
}
