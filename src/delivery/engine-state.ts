/**
 * What the engine's parts share (issue 11): the settings `configure()` may replace, the engine-wide counters, and the
 * collaborators made before them (the reporter, the journal, the endpoints). Each part of the engine (intake.ts,
 * attempts.ts, endings.ts, lifecycle.ts) gets this one object; per-endpoint counters live on `Endpoint`.
 */
import type { QueueSettings } from '../config/normalized.js'
import type { SafeUrlPolicy } from '../security/safe-url.js'
import type { BreakerOptions } from '../config/normalized.js'
import type { Job } from './endpoint.js'
import type { Endpoints } from './endpoints.js'
import type { Journal } from './journal.js'
import type { Reporter } from './report.js'
import type { WebHookTransport } from '../contracts/delivery.js'

export interface EngineState {
  queue: QueueSettings
  breaker: BreakerOptions | false
  safeUrls: SafeUrlPolicy | undefined
  transport: WebHookTransport
  /**
   * The transport checks safe URLs at connect time, on the address it connects to (the default transport without a
   * proxy); otherwise each target is resolved and checked just before its request.
   */
  connectTimeCheck: boolean
  readonly report: Reporter
  /** The store bridge, made before the state and passed in. */
  readonly journal: Journal
  readonly endpoints: Endpoints
  /** Fire-and-forget deliveries accepted and not finished, all endpoints (bounded by `queue.maxSize`). */
  pendingTotal: number
  droppedTotal: number
  /** Jobs not finished, waited ones included (`close()` drains until it is 0). */
  active: number
  closing: boolean
  /** Called when `active` falls to 0 while closing. */
  drained: (() => void) | undefined
  readonly inFlightJobs: Set<Job>
}
