/**
 * A call's post behind its pre to the same endpoint, across processes (issue 16). The post names its pre (`after`,
 * the pre's delivery id) and, when the pre went in a batch job, that job (`afterJob`); both were set by the process
 * that enqueued the two, once Redis had the pre. The pre has finished (delivered, or dead) when:
 * - this process finished it (`Settled`: no Redis command), or
 * - its batch job is finished (or, once completed, removed) and no job of the pre's own id is pending: a pre of a
 *   batch that needs a retry (or is handed back) becomes a job of its own id *before* its batch job finishes, so
 *   reading the batch's state first, then the pre's, never misses it. A pre enqueued alone (or by an earlier version
 *   of this store, one delivery per job) is that job of its own id.
 */
import type { Queue } from 'bullmq'
import type { JobData } from './job-data.js'

/**
 * Most pres remembered (about 100 bytes each); past it the oldest is forgotten (its post then asks Redis, as one
 * delivered by another process does).
 */
const MAX_SETTLED = 20_000

/** The pres this process finished (delivered, or their dead letter written), most recent ones. */
export class Settled {
  readonly #ids = new Set<string>()

  /** A delivery finished: remembered if it is a pre (only a post waits on a delivery). */
  add(delivery: { id: string; type: string }): void {
    if (delivery.type !== 'pre') return
    this.#ids.add(delivery.id)
    if (this.#ids.size > MAX_SETTLED) this.#ids.delete(this.#ids.values().next().value!)
  }

  has(id: string): boolean {
    return this.#ids.has(id)
  }
}

/** A job in one of these states, or gone (completed jobs are removed), is finished. */
function finished(state: string): boolean {
  return state === 'unknown' || state === 'completed' || state === 'failed'
}

/** How long a post must wait for its call's pre to the same endpoint before asking again, ms (0: go). */
export async function preWait(queue: Queue, settled: Settled, data: JobData): Promise<number> {
  const { after, afterJob } = data
  if (after === undefined || settled.has(after)) return 0
  if (afterJob !== undefined && !finished(await queue.getJobState(afterJob))) return settled.has(after) ? 0 : 25
  const state = await queue.getJobState(after)
  if (finished(state) || settled.has(after)) return 0
  // A pre waiting for its retry is not due before its delay: ask less often.
  return state === 'delayed' ? 200 : 25
}
