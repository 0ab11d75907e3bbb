/**
 * Group commit (issue 16, item 1): the writes accepted together go in one transaction, one COMMIT (and with
 * `synchronous: 'full'` one fsync) for all of them, instead of one each.
 *
 * When a write is committed depends on what waits for it:
 * - `now`: before `add` returns (a pre hook: the wrapped call runs right after it, in the same synchronous step).
 * - `microtask`: in a microtask queued by the first such write (a post hook). The wrapper resolves the call's
 *   promise after handing the post over, so the promise's reactions (whoever awaits the call) are queued after that
 *   microtask: nothing can see the call settled before its hook is in the file. Every write made before the microtask
 *   runs (the posts of other calls that settled in the same run of microtasks) shares the COMMIT.
 * - `later`: within `LATER_MS` (sooner once `LATER_MAX` writes wait), or folded into an earlier COMMIT (acks, retries,
 *   dead letters, releases: losing one to a crash re-delivers a delivery, with its id: at-least-once). Deliveries
 *   finish one answer at a time: committed at each turn of the event loop, their acks came a few to a transaction,
 *   and the COMMIT, not the delete, was most of their cost (issue 16).
 *
 * The writes of a batch are run in one transaction when it commits: a failure rolls all of them back (nothing
 * half-written), and every caller of the batch gets the same error.
 */

export type Urgency = 'now' | 'microtask' | 'later'

/** A `later` write waits at most this long for a commit, ms: what a crash can re-deliver is what finished in it. */
export const LATER_MS = 10
/** This many writes waiting commit at the next turn of the event loop, without waiting `LATER_MS`. */
const LATER_MAX = 512

interface Pending {
  promise: Promise<void>
  resolve(): void
  reject(error: Error): void
}

function pending(): Pending {
  let resolve!: () => void
  let reject!: (error: Error) => void
  const promise = new Promise<void>((yes, no) => {
    resolve = yes
    reject = no
  })
  return { promise, resolve, reject }
}

export class WriteBatch {
  /** Runs the writes in one transaction (throws, rolled back, if any fails); `count`: the writes they stand for. */
  readonly #commit: (writes: ReadonlyArray<() => void>, count: number) => void
  /** Turns a failure into the error every caller of the batch gets. */
  readonly #failed: (cause: unknown, writes: number) => Error
  #writes: Array<() => void> = []
  /** Writes queued: one per `add` or `also` (a function may carry several: a batch's inserts). */
  #count = 0
  #pending: Pending | undefined
  #microtask = false
  #timer: ReturnType<typeof setTimeout> | undefined
  #immediate: ReturnType<typeof setImmediate> | undefined

  constructor(
    commit: (writes: ReadonlyArray<() => void>, count: number) => void,
    failed: (cause: unknown, writes: number) => Error
  ) {
    this.#commit = commit
    this.#failed = failed
  }

  /** Queues a write; the promise resolves once it is committed, or rejects with the batch's error. */
  add(write: () => void, when: Urgency): Promise<void> {
    this.#writes.push(write)
    return this.also(when)
  }

  /** One more write carried by a function already queued (an insert of the batch's multi-row insert). */
  also(when: Urgency): Promise<void> {
    this.#count++
    this.#pending ??= pending()
    const { promise } = this.#pending
    if (when === 'now') this.flush()
    else if (when === 'microtask') this.#soon()
    else if (!this.#microtask) this.#later()
    return promise
  }

  #soon(): void {
    if (this.#microtask) return
    this.#microtask = true
    queueMicrotask(() => {
      this.#microtask = false
      this.flush()
    })
  }

  #later(): void {
    if (this.#count >= LATER_MAX) this.#immediate ??= setImmediate(this.#due)
    else this.#timer ??= setTimeout(this.#due, LATER_MS)
  }

  readonly #due = (): void => {
    this.flush()
  }

  /** Commits what is queued, now (before a read, at close). Never throws: the callers' promises carry the error. */
  flush(): void {
    const writes = this.#writes
    const count = this.#count
    const batch = this.#pending
    if (batch === undefined) return
    clearTimeout(this.#timer)
    clearImmediate(this.#immediate)
    this.#timer = undefined
    this.#immediate = undefined
    this.#writes = []
    this.#count = 0
    this.#pending = undefined
    try {
      this.#commit(writes, count)
    } catch (error) {
      batch.reject(this.#failed(error, count))
      return
    }
    batch.resolve()
  }

  /** Close: commits what is queued and cancels the timer. */
  close(): void {
    this.flush()
  }
}
