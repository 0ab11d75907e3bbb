/**
 * The pres this process enqueued whose post has not come yet (issue 16). A call's pre and post are enqueued by the
 * process that ran the call, so the post finds its pre here: it is added only once Redis has the pre, and names the
 * pre (`after`) and the batch job that holds it (`afterJob`) for the worker to wait on (order.ts). Nothing is written to Redis for ordering, and a post without a pre
 * to its endpoint costs nothing. Bounded: a pre whose post never comes (no post hook to that endpoint) is forgotten
 * after `MAX_PRES` newer ones.
 */

/** Most pres remembered; past it the oldest is forgotten (its post, if it ever comes, then goes without waiting). */
export const MAX_PRES = 100_000

interface Pre {
  id: string
  /**
   * Resolves once Redis has the pre, with the id of the job holding it; rejects if it was not added (the engine's
   * buffer sends it again).
   */
  written: Promise<string>
}

export class PreIndex {
  readonly #pres = new Map<string, Pre>()

  static key(delivery: { callId: string; endpoint: string }): string {
    return `${delivery.callId}\n${delivery.endpoint}`
  }

  /** A pre is being added. */
  set(delivery: { id: string; callId: string; endpoint: string }, written: Promise<string>): void {
    const key = PreIndex.key(delivery)
    this.#pres.delete(key)
    this.#pres.set(key, { id: delivery.id, written })
    if (this.#pres.size > MAX_PRES) this.#pres.delete(this.#pres.keys().next().value!)
    // Only the post waits on it; its failure is the pre's own enqueue failure, reported there.
    written.catch(() => {})
  }

  /**
   * The post's pre, if this process enqueued one: once Redis has it, its id and the batch job that holds it, if any
   * (forgotten if it was not added).
   */
  async before(delivery: {
    callId: string
    endpoint: string
  }): Promise<{ after: string; afterJob?: string } | undefined> {
    const key = PreIndex.key(delivery)
    const pre = this.#pres.get(key)
    if (pre === undefined) return undefined
    const jobId = await pre.written
    if (this.#pres.get(key) === pre) this.#pres.delete(key)
    return jobId === pre.id ? { after: pre.id } : { after: pre.id, afterJob: jobId }
  }
}
