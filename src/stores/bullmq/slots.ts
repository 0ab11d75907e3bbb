/**
 * The attempts a process's worker makes at once, all jobs together (the store's `concurrency` option): with several
 * deliveries per job (issue 16), BullMQ's own job concurrency no longer bounds them. A waiting attempt is started in
 * the order it asked.
 */
export class Slots {
  #free: number
  #waiting: Array<() => void> = []
  #next = 0

  constructor(size: number) {
    this.#free = size
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--
    else await new Promise<void>(resolve => this.#waiting.push(resolve))
    try {
      return await work()
    } finally {
      this.#release()
    }
  }

  #release(): void {
    if (this.#next < this.#waiting.length) {
      const start = this.#waiting[this.#next++]!
      // Compact once the consumed head is the larger part (a queue without shift()'s copy per release).
      if (this.#next > 1024 && this.#next * 2 > this.#waiting.length) {
        this.#waiting = this.#waiting.slice(this.#next)
        this.#next = 0
      }
      start()
    } else this.#free++
  }
}
