/**
 * The engine's history (issue 15): a bounded ring of recent attempts, the most recent bodies sent and per-endpoint
 * rolling counters, read by `webHooks.history()` and the dashboard. Fed from one place, the reporter (report.ts),
 * which every outcome goes through for the in-memory loop and for stores that schedule themselves alike.
 */
import type { Job } from './endpoint.js'
import type {
  WebHookAttemptOutcome,
  WebHookAttemptRecord,
  WebHookEndpointHistory,
  WebHookHistory,
  WebHookHistoryQuery,
} from './history-types.js'
import { RollingCounters } from './rolling.js'
import type { WebHookDeliveryFailure } from '../contracts/delivery.js'

/** Bodies kept for the most recent deliveries, in UTF-16 code units (about 1 MiB of ASCII JSON), oldest out first. */
export const BODY_BUDGET = 1 << 20
/** A body larger than this is not kept at all (it would push out many others). */
const BODY_MAX = BODY_BUDGET / 8
const HOUR = 3_600_000
const DEFAULT_LIMIT = 100

/** What the reporter hands over for one attempt. */
export interface AttemptFacts {
  job: Job
  outcome: WebHookAttemptOutcome
  duration: number
  error: WebHookDeliveryFailure | undefined
}

export class DeliveryHistory {
  #ring: (Kept | undefined)[]
  #next = 0
  readonly #bodies = new Map<string, string>()
  #bodyChars = 0
  readonly #endpoints = new Map<string, RollingCounters>()
  readonly #lastErrors = new Map<string, NonNullable<WebHookEndpointHistory['lastError']>>()

  /** `0` when the history is off (`history: false`). */
  size = 0

  constructor(size: number | false) {
    this.#ring = []
    this.resize(size)
  }

  /**
   * A new size (`configure()`), `false` to turn it off (everything recorded is let go). The most recent attempts stay,
   * as many as fit.
   */
  resize(size: number | false): void {
    const next = size === false ? 0 : size
    if (next === this.size) return
    const kept = next === 0 ? [] : this.#newest(next)
    this.#ring = new Array(next).fill(undefined)
    for (let i = 0; i < kept.length; i++) this.#ring[i] = kept[kept.length - 1 - i]
    this.size = next
    this.#next = next === 0 ? 0 : kept.length % next
    if (next === 0) {
      this.#bodies.clear()
      this.#bodyChars = 0
      this.#endpoints.clear()
      this.#lastErrors.clear()
    }
  }

  /** The most recent records, newest first. */
  #newest(limit: number, query: WebHookHistoryQuery = {}): Kept[] {
    const records: Kept[] = []
    for (let i = 1; i <= this.size && records.length < limit; i++) {
      const record = this.#ring[(this.#next - i + this.size) % this.size]
      if (record === undefined) break
      if (matches(record, query)) records.push(record)
    }
    return records
  }

  attempt({ job, outcome, duration, error }: AttemptFacts, now = Date.now()): void {
    if (this.size === 0) return
    const { delivery } = job
    // One shape for every record (absent fields undefined, left out when read): cheap on the delivery path.
    const record: Kept = {
      at: now,
      deliveryId: delivery.id,
      callId: delivery.callId,
      url: job.endpoint.url,
      method: delivery.method,
      type: delivery.type,
      attempt: job.attempts,
      outcome,
      status: job.status,
      duration: Math.round(duration * 100) / 100,
      errorCode: error?.code,
      error: error?.message,
      redirectedTo: job.redirectedTo,
    }
    this.#ring[this.#next] = record
    this.#next = (this.#next + 1) % this.size
    this.#keepBody(delivery.id, delivery.body)
    if (error !== undefined)
      this.#lastErrors.set(job.endpoint.url, { at: now, code: error.code, message: error.message })
    const counters = this.#countersOf(job.endpoint.url)
    counters.attempt(duration, outcome !== 'delivered' && outcome !== 'vetoed', now)
    if (outcome === 'delivered' || outcome === 'vetoed') counters.count(outcome, now)
  }

  /** A delivery given up (a dead letter) or dropped. */
  ended(job: Job, kind: 'failed' | 'dropped', now = Date.now()): void {
    if (this.size === 0) return
    this.#countersOf(job.endpoint.url).count(kind, now)
  }

  /** A copy of what the query selects. */
  read(query: WebHookHistoryQuery = {}, now = Date.now()): WebHookHistory {
    if (this.size === 0) return { enabled: false, at: now, size: 0, attempts: [], endpoints: {} }
    const attempts = this.#newest(query.limit ?? DEFAULT_LIMIT, query).map(publicRecord)
    const endpoints: Record<string, WebHookEndpointHistory> = {}
    for (const [url, counters] of this.#endpoints) {
      if (now - counters.lastAt > HOUR) {
        this.#endpoints.delete(url)
        this.#lastErrors.delete(url)
        continue
      }
      const history: WebHookEndpointHistory = {
        last5m: counters.last5m(now),
        last1h: counters.last1h(now),
        series: counters.series(now),
      }
      const failure = this.#lastErrors.get(url)
      if (failure !== undefined) history.lastError = { ...failure }
      endpoints[url] = history
    }
    const body = query.deliveryId === undefined ? undefined : this.#bodies.get(query.deliveryId)
    return { enabled: true, at: now, size: this.size, attempts, endpoints, ...(body === undefined ? {} : { body }) }
  }

  #countersOf(url: string): RollingCounters {
    let counters = this.#endpoints.get(url)
    if (counters === undefined) {
      counters = new RollingCounters()
      this.#endpoints.set(url, counters)
    }
    return counters
  }

  /** Keeps the body by reference (the string the delivery already holds), the oldest let go past the budget. */
  #keepBody(id: string, body: string): void {
    if (body.length > BODY_MAX || this.#bodies.has(id)) return
    this.#bodies.set(id, body)
    this.#bodyChars += body.length
    if (this.#bodyChars <= BODY_BUDGET) return
    for (const [oldest, kept] of this.#bodies) {
      if (this.#bodyChars <= BODY_BUDGET) break
      this.#bodies.delete(oldest)
      this.#bodyChars -= kept.length
    }
  }
}

/** A record as kept: every optional field present, `undefined` when absent. */
type Kept = { [K in keyof WebHookAttemptRecord]-?: WebHookAttemptRecord[K] | undefined }

/** A copy without the absent fields. */
function publicRecord(record: Kept): WebHookAttemptRecord {
  const copy: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(record)) if (value !== undefined) copy[key] = value
  return copy as unknown as WebHookAttemptRecord
}

function matches(record: Kept, query: WebHookHistoryQuery): boolean {
  return (
    (query.url === undefined || record.url === query.url) &&
    (query.method === undefined || record.method === query.method) &&
    (query.outcome === undefined || record.outcome === query.outcome) &&
    (query.deliveryId === undefined || record.deliveryId === query.deliveryId)
  )
}
