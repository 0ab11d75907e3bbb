/**
 * One endpoint's rolling counters (issue 15): per-second buckets over the last 5 minutes (the chart's series and the
 * 5-minute counts) and per-minute buckets over the last hour. Fixed typed arrays: about 26 KiB per endpoint, whatever
 * the traffic. A bucket is reset when its slot comes round again (its stamp says which second or minute it holds).
 */
import type { WebHookSeries, WebHookWindowCounts } from './history-types.js'

/** What a bucket counts. */
export type RollingKind = 'delivered' | 'failed' | 'dropped' | 'vetoed'

const SECONDS = 300
const MINUTES = 60
// Fields of a bucket: the four kinds, then attempts, failed attempts, the sum and the number of durations.
const FIELD = { delivered: 0, failed: 1, dropped: 2, vetoed: 3, attempts: 4, failedAttempts: 5, latencySum: 6 } as const
const FIELDS = 8
const LATENCY_COUNT = 7

class Buckets {
  readonly values: Float64Array
  readonly stamps: Float64Array

  constructor(readonly length: number) {
    this.values = new Float64Array(length * FIELDS)
    this.stamps = new Float64Array(length).fill(-1)
  }

  /** The offset of the bucket of `unit` (a second or a minute since the epoch), reset when it held an older one. */
  slot(unit: number): number {
    const index = unit % this.length
    if (this.stamps[index] !== unit) {
      this.stamps[index] = unit
      this.values.fill(0, index * FIELDS, (index + 1) * FIELDS)
    }
    return index * FIELDS
  }

  /** The offset of the bucket of `unit` if it holds that unit, else -1. */
  find(unit: number): number {
    const index = unit % this.length
    return this.stamps[index] === unit ? index * FIELDS : -1
  }

  /** Sums of each field over the units in (`last` - length, `last`]. */
  sum(last: number): Float64Array {
    const total = new Float64Array(FIELDS)
    for (let unit = last - this.length + 1; unit <= last; unit++) {
      const at = this.find(unit)
      if (at < 0) continue
      for (let field = 0; field < FIELDS; field++) total[field] = (total[field] ?? 0) + (this.values[at + field] ?? 0)
    }
    return total
  }
}

function counts(total: Float64Array): WebHookWindowCounts {
  const delivered = total[FIELD.delivered] ?? 0
  const failed = total[FIELD.failed] ?? 0
  return {
    delivered,
    failed,
    dropped: total[FIELD.dropped] ?? 0,
    vetoed: total[FIELD.vetoed] ?? 0,
    attempts: total[FIELD.attempts] ?? 0,
    successRate: delivered + failed === 0 ? null : delivered / (delivered + failed),
  }
}

export class RollingCounters {
  readonly #seconds = new Buckets(SECONDS)
  readonly #minutes = new Buckets(MINUTES)
  /** The last time anything was counted, ms since the epoch. */
  lastAt = 0

  /** Counts one delivery's end (`delivered`, `failed` given up, `dropped`, `vetoed`). */
  count(kind: RollingKind, now: number): void {
    this.#add(FIELD[kind], 1, now)
  }

  /** Counts one attempt and its duration; `failed` when it did not get a 2xx (retried or not). */
  attempt(duration: number, failed: boolean, now: number): void {
    this.#add(FIELD.attempts, 1, now)
    if (failed) this.#add(FIELD.failedAttempts, 1, now)
    this.#add(FIELD.latencySum, duration, now)
    this.#add(LATENCY_COUNT, 1, now)
  }

  #add(field: number, value: number, now: number): void {
    this.lastAt = now
    const second = Math.floor(now / 1000)
    const s = this.#seconds.slot(second) + field
    this.#seconds.values[s] = (this.#seconds.values[s] ?? 0) + value
    const m = this.#minutes.slot(Math.floor(second / 60)) + field
    this.#minutes.values[m] = (this.#minutes.values[m] ?? 0) + value
  }

  last5m(now: number): WebHookWindowCounts {
    return counts(this.#seconds.sum(Math.floor(now / 1000)))
  }

  last1h(now: number): WebHookWindowCounts {
    return counts(this.#minutes.sum(Math.floor(now / 60_000)))
  }

  /** The last 5 minutes, one value per second, oldest first. */
  series(now: number): WebHookSeries {
    const last = Math.floor(now / 1000)
    const first = last - SECONDS + 1
    const series: WebHookSeries = { start: first * 1000, delivered: [], failed: [], latency: [] }
    const { values } = this.#seconds
    for (let second = first; second <= last; second++) {
      const at = this.#seconds.find(second)
      const n = at < 0 ? 0 : (values[at + LATENCY_COUNT] ?? 0)
      series.delivered.push(at < 0 ? 0 : (values[at + FIELD.delivered] ?? 0))
      series.failed.push(at < 0 ? 0 : (values[at + FIELD.failedAttempts] ?? 0))
      series.latency.push(n === 0 ? null : Math.round(((values[at + FIELD.latencySum] ?? 0) / n) * 100) / 100)
    }
    return series
  }
}
