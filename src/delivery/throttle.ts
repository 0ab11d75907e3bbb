/**
 * Rate limits of one endpoint (issue 13): a 429, or a 503 with `Retry-After`, is the receiver asking to slow down, not
 * failing. The whole endpoint waits until `Retry-After` (every delivery to it, not only the one answered), the breaker
 * does not count it, and the number of requests in flight adapts, AIMD as TCP does: halved on a rate-limit answer
 * (once per pause: the answers of one burst count once), one more per success, up to the configured `concurrency`.
 * Pure state; the endpoint owns the timer.
 */

/** Whether an answer asks the sender to slow down: a 429, or a 503 that says when to come back. */
export function isRateLimit(status: number | undefined, retryAfter: number | undefined): boolean {
  return status === 429 || (status === 503 && retryAfter !== undefined)
}

export class Throttle {
  /** Requests in flight allowed now, 1 to `max`. */
  limit: number
  /** No request starts before this time, ms since the epoch (0: none). */
  until = 0
  /** Rate-limit answers so far. */
  count = 0

  constructor(public max: number) {
    this.limit = max
  }

  /** A rate-limit answer: pause until `now + delay`; the limit is halved unless already paused. */
  limited(now: number, delay: number): void {
    this.count++
    if (this.until <= now) this.limit = Math.max(1, Math.floor(this.limit / 2))
    this.until = Math.max(this.until, now + delay)
  }

  /** A delivered request: one more in flight allowed. */
  succeeded(): void {
    if (this.limit < this.max) this.limit++
  }

  /** The configured concurrency changed (`configure`). */
  resize(max: number): void {
    this.max = max
    this.limit = Math.min(this.limit, max)
  }

  paused(now: number): boolean {
    return this.until > now
  }
}
