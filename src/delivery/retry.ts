/**
 * Retry timing: which failures are retried, how long to wait (exponential backoff with full jitter and a cap, or an
 * explicit schedule), and `Retry-After` (seconds or HTTP date) honoured within the cap. Issue 3; the Standard
 * Webhooks recommendations (retry 5xx/429/timeouts, respect Retry-After, 410 stops, 3xx is a failure).
 */
import type { ResolvedRetry } from '../config/normalized.js'

/** Number of retries allowed after the first attempt. */
export function retriesOf(retry: ResolvedRetry | false): number {
  if (retry === false) return 0
  return retry.schedule === undefined ? retry.retries : retry.schedule.length
}

/** Whether an answer with this status is worth another attempt: 408, 429 and 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500
}

/**
 * Delay before retry number `retry` (1 for the first retry), ms. Exponential: `minDelay * 2^(retry-1)` capped at
 * `maxDelay`, then full jitter (uniform in [0, delay]) so senders do not retry in lock-step.
 */
export function backoffDelay(policy: ResolvedRetry, retry: number, random: () => number = Math.random): number {
  if (policy.schedule !== undefined) return policy.schedule[retry - 1] ?? policy.schedule.at(-1) ?? 0
  const exponential = Math.min(policy.maxDelay, policy.minDelay * 2 ** Math.min(retry - 1, 30))
  return policy.jitter ? Math.floor(random() * exponential) : exponential
}

/**
 * Parses a `Retry-After` value: delay-seconds or an HTTP date. Returns ms from `now`, or `undefined` when absent or
 * malformed. A date in the past gives 0.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  if (text === '') return undefined
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}

/**
 * Delay before the next attempt: the receiver's `Retry-After` when it gave one (capped at `maxDelay`), otherwise
 * the policy's backoff.
 */
export function nextDelay(policy: ResolvedRetry, retry: number, retryAfter: number | undefined): number {
  if (retryAfter !== undefined) return Math.min(retryAfter, policy.maxDelay)
  return backoffDelay(policy, retry)
}
