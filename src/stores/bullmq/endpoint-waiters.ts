/**
 * Deliveries of batch jobs waiting for their endpoint's `concurrency` in this process (issue 16). The engine answers
 * `postponed` when an endpoint has as many attempts in flight in this process as it allows; a slot frees only when one
 * of them ends, so the waiting delivery is woken then (one per ended attempt), not by polling every few ms: a job of
 * 64 deliveries to an endpoint at `concurrency: 1` would otherwise ask the engine thousands of times a second.
 */
export class EndpointWaiters {
  readonly #waiting = new Map<string, Array<() => void>>()

  /** Resolves when an attempt to `endpoint` ends in this process, or after `ms` at the latest. */
  wait(endpoint: string, ms: number): Promise<void> {
    return new Promise<void>(resolve => {
      const list = this.#waiting.get(endpoint) ?? []
      if (list.length === 0) this.#waiting.set(endpoint, list)
      const wake = () => {
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        const at = list.indexOf(wake)
        if (at >= 0) list.splice(at, 1)
        if (list.length === 0 && this.#waiting.get(endpoint) === list) this.#waiting.delete(endpoint)
        resolve()
      }, ms)
      list.push(wake)
    })
  }

  /** An attempt to `endpoint` ended: the longest waiting delivery may go. */
  ended(endpoint: string): void {
    const list = this.#waiting.get(endpoint)
    if (list === undefined) return
    const wake = list.shift()
    if (list.length === 0) this.#waiting.delete(endpoint)
    wake?.()
  }
}
