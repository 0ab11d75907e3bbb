/**
 * A call's post never goes before its pre to the same endpoint (issue 3): while a pre of a call is on its way, the
 * call's posts are parked here, by callId, and join the endpoint's queue when the last pre is done.
 */
export class CallOrder<T extends { readonly delivery: { readonly callId: string } }> {
  /** Pres not finished yet, by callId. */
  readonly #pendingPre = new Map<string, number>()
  /** Posts waiting for their call's pre, by callId, oldest call first. */
  readonly #parked = new Map<string, T[]>()
  #count = 0

  /** How many posts are parked. */
  get count(): number {
    return this.#count
  }

  /** A pre of `callId` is on its way: the call's posts wait until it is done. */
  hold(callId: string): void {
    this.#pendingPre.set(callId, (this.#pendingPre.get(callId) ?? 0) + 1)
  }

  /** Parks a post while a pre of its call is on its way; false (nothing done) when none is. */
  park(job: T): boolean {
    const { callId } = job.delivery
    if (!this.#pendingPre.has(callId)) return false
    const list = this.#parked.get(callId)
    if (list === undefined) this.#parked.set(callId, [job])
    else list.push(job)
    this.#count++
    return true
  }

  /** A pre of `callId` is done; after the last one, the call's parked posts, which may go now (else undefined). */
  release(callId: string): T[] | undefined {
    const count = this.#pendingPre.get(callId)
    if (count === undefined) return undefined
    if (count > 1) {
      this.#pendingPre.set(callId, count - 1)
      return undefined
    }
    this.#pendingPre.delete(callId)
    const posts = this.#parked.get(callId)
    if (posts === undefined) return undefined
    this.#parked.delete(callId)
    this.#count -= posts.length
    return posts
  }

  /** The oldest parked post (of the oldest call parked), left in place. */
  peekOldest(): T | undefined {
    const first = this.#parked.values().next().value as T[] | undefined
    return first?.[0]
  }

  /** Takes out the oldest parked post (overflow eviction). */
  takeOldest(): T | undefined {
    const entry = this.#parked.entries().next().value as [string, T[]] | undefined
    if (entry === undefined) return undefined
    const [callId, jobs] = entry
    const job = jobs.shift()
    if (jobs.length === 0) this.#parked.delete(callId)
    this.#count--
    return job
  }

  /** Takes out every parked post (close, 410). */
  drain(): T[] {
    const jobs: T[] = []
    for (const list of this.#parked.values()) jobs.push(...list)
    this.#parked.clear()
    this.#count = 0
    return jobs
  }
}
