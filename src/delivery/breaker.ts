/**
 * Circuit breaker of one endpoint: after `threshold` consecutive failed attempts it opens (the endpoint is paused, its
 * deliveries stay queued), after `cooldown` it lets one probe through (half-open), and closes again when the probe
 * succeeds. Pure state; the engine owns the timer and the events.
 */
import type { WebHookBreakerState } from '../contracts/delivery.js'
import type { BreakerOptions } from '../config/normalized.js'

export class Breaker {
  state: WebHookBreakerState = 'closed'
  failures = 0
  /** When a probe may be sent (open state), ms since the epoch. */
  probeAt = 0

  /** Replaced when the configuration changes; the state is kept. */
  constructor(public options: BreakerOptions | false) {}

  /** Whether a request may start now. In half-open state only one probe is let through at a time. */
  allows(inFlight: number): boolean {
    if (this.state === 'closed') return true
    if (this.state === 'half-open') return inFlight === 0
    return false
  }

  /** Records a success; returns true when it closed the breaker (resume). */
  success(): boolean {
    this.failures = 0
    if (this.state === 'closed') return false
    this.state = 'closed'
    return true
  }

  /** Records a failure; returns true when it opened the breaker (pause). */
  failure(now: number): boolean {
    this.failures++
    if (this.options === false) return false
    if (this.state === 'half-open' || (this.state === 'closed' && this.failures >= this.options.threshold)) {
      this.state = 'open'
      this.probeAt = now + this.options.cooldown
      return true
    }
    return false
  }

  /** The cool-down elapsed: let one probe through. */
  halfOpen(): void {
    if (this.state === 'open') this.state = 'half-open'
  }
}
