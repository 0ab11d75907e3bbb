/**
 * Deliveries set aside until their retry is due (issue 3): a heap by `dueAt` and one timer, armed for the earliest.
 * When it fires, the due ones are handed back (`onDue`), earliest first.
 */
import { DueHeap } from './heap.js'

export class RetryWait<T extends { dueAt: number }> {
  readonly #heap = new DueHeap<T>()
  #timer: ReturnType<typeof setTimeout> | undefined
  #timerAt = 0
  readonly #onDue: (due: T[]) => void

  constructor(onDue: (due: T[]) => void) {
    this.#onDue = onDue
  }

  get size(): number {
    return this.#heap.size
  }

  /** The one due first, left in place. */
  peek(): T | undefined {
    return this.#heap.peek()
  }

  push(item: T): void {
    this.#heap.push(item)
    this.#arm()
  }

  /** Takes out the one due first. */
  pop(): T | undefined {
    return this.#heap.pop()
  }

  /** Takes `item` out; false when it was not waiting. */
  remove(item: T): boolean {
    if (!this.#heap.items.includes(item)) return false
    const rest = this.#heap.items.splice(0).filter(other => other !== item)
    for (const other of rest) this.#heap.push(other)
    return true
  }

  /** Takes out every waiting item, earliest first. */
  drain(): T[] {
    const items: T[] = []
    while (this.#heap.size > 0) items.push(this.#heap.pop()!)
    return items
  }

  /** Close: the timer no longer fires. */
  stop(): void {
    clearTimeout(this.#timer)
  }

  #arm(): void {
    const next = this.#heap.peek()
    if (next === undefined) return
    if (this.#timer !== undefined && this.#timerAt <= next.dueAt) return
    clearTimeout(this.#timer)
    this.#timerAt = next.dueAt
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, next.dueAt - Date.now()))
  }

  #fire(): void {
    this.#timer = undefined
    const now = Date.now()
    const due: T[] = []
    for (let next = this.#heap.peek(); next !== undefined && next.dueAt <= now; next = this.#heap.peek()) {
      due.push(this.#heap.pop()!)
    }
    this.#arm()
    this.#onDue(due)
  }
}
