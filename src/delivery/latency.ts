/** Latency percentiles over the most recent samples (a fixed ring, so memory stays bounded). */
import type { WebHookLatencyStats } from '../contracts/delivery.js'

const SIZE = 1024

export class LatencyRing {
  #samples = new Float64Array(SIZE)
  #count = 0

  add(ms: number): void {
    this.#samples[this.#count % SIZE] = ms
    this.#count++
  }

  percentiles(): WebHookLatencyStats {
    const count = Math.min(this.#count, SIZE)
    if (count === 0) return { p50: 0, p90: 0, p99: 0, count: 0 }
    const sorted = this.#samples.slice(0, count).sort()
    const at = (q: number) => Math.round((sorted[Math.min(count - 1, Math.floor(q * count))] ?? 0) * 100) / 100
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), count }
  }
}
