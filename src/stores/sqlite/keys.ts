/**
 * The key (`seq`) of each pending delivery this process enqueued or leased, by id (issue 16): the pending table has
 * no index on id, so `ack`, `retryAt`, `release` and `deadLetter` address a row by its key, and check its id (the key
 * of a row that is gone may be given to a new one). A key this process does not know, or one that no longer matches
 * (the delivery was leased and finished by another process after this one's lease expired), is looked up by id: a
 * read of the whole table, off the usual path.
 *
 * An entry lives until the delivery is acked, dead-lettered or released by this process; one of a delivery finished
 * by another process stays (a few bytes) until this store is closed.
 */
import type { Statements } from './schema.js'

export interface Key {
  seq: number
  id: string
}

export class Keys {
  readonly #sql: Statements
  readonly #seqs = new Map<string, number>()

  constructor(sql: Statements) {
    this.#sql = sql
  }

  set(id: string, seq: number): void {
    this.#seqs.set(id, seq)
  }

  /** Runs a write on the row of this delivery (it returns the rows changed), if it is still pending. */
  use(id: string, write: (key: Key) => number): void {
    const known = this.#seqs.get(id)
    if (known !== undefined && write({ seq: known, id }) > 0) return
    const found = this.#sql.seqOf.get(id)
    if (found === undefined) {
      this.#seqs.delete(id)
      return
    }
    this.#seqs.set(id, found.seq)
    write({ seq: found.seq, id })
  }

  /** The same, and the delivery is no longer this process's. */
  forget(id: string, write: (key: Key) => number): void {
    this.use(id, write)
    this.#seqs.delete(id)
  }
}
