/**
 * The inserts of one batch, made by multi-row statements (issue 16): `INSERT … VALUES (…), (…), …` of up to
 * `CHUNKS[0]` rows costs better-sqlite3 one call, one bind and one step for all of them, instead of one each; the
 * rows still go in in the order they were enqueued. A batch's inserts are one write of the `WriteBatch`, at the place
 * of its first insert: an insert made later in the same batch goes in with it, earlier, never after a write that came
 * after it.
 *
 * Binding is most of an insert's cost in better-sqlite3 (measured, 64-row statements of 400-byte rows: 4.1 µs a row
 * with its 13 values bound, 3.6 µs with 9, 2.8 µs with 5, 1.5 µs with none; docs/performance.md). A new delivery (no
 * attempt made, due now, no trace context, leased by this store) is the usual row, and the new deliveries of a turn
 * are mostly for one hook: a run of them with the same endpoint, URL, type and method is inserted by a statement that
 * has the first four values written in, binds the hook's four once for all its rows, and binds five values a row (id,
 * callId, body, createdAt, lease). Any other row binds all 13.
 *
 * The rows of one statement get consecutive keys (`seq`, SQLite's rowid: each new row takes the largest plus one), so
 * the keys are known from `lastInsertRowid`; a key that came out otherwise is only a slower ack (`Keys` then looks the
 * row up by id), never a wrong one (each write checks the id).
 */
import type { Database, Statement } from 'better-sqlite3'
import type { Keys } from './keys.js'
import { INSERT_INTO, type InsertValues, ROW_VALUES } from './schema.js'

/** Statement sizes, largest first: a run of n rows is cut into chunks of these sizes. */
const CHUNKS = [64, 16, 4, 1] as const
/** The values a new delivery's row binds (`InsertValues` indexes): id, callId, body, createdAt, leaseUntil. */
const FRESH_BOUND = [0, 5, 6, 7, 11] as const

export class Inserts {
  readonly #db: Database
  readonly #keys: Keys
  /** A new delivery's row: its hook's values named, this store's owner written in as a literal. */
  readonly #freshRow: string
  readonly #owner: string
  /** Prepared statements by row count: new deliveries of one hook, and any rows. */
  readonly #statements = {
    fresh: new Map<number, Statement<unknown[]>>(),
    full: new Map<number, Statement<unknown[]>>(),
  }
  #rows: InsertValues[] = []

  constructor(db: Database, keys: Keys, owner: string) {
    this.#db = db
    this.#keys = keys
    this.#owner = owner
    this.#freshRow = `(?, @endpoint, @url, @type, @method, ?, ?, ?, 0, 0, NULL, ?, '${owner.replaceAll("'", "''")}')`
  }

  /** Adds a row; true when it is the batch's first (the caller then queues `write`). */
  add(values: InsertValues): boolean {
    this.#rows.push(values)
    return this.#rows.length === 1
  }

  #fresh(values: InsertValues): boolean {
    return values[8] === 0 && values[9] === 0 && values[10] === null && values[12] === this.#owner
  }

  /** Whether `row` goes in the same statement as the run that `first` starts. */
  #sameRun(first: InsertValues, row: InsertValues, fresh: boolean): boolean {
    if (!fresh) return !this.#fresh(row)
    return this.#fresh(row) && row[1] === first[1] && row[2] === first[2] && row[3] === first[3] && row[4] === first[4]
  }

  /** Inserts the rows added since the last call (inside the batch's transaction), in order. */
  readonly write = (): void => {
    const rows = this.#rows
    this.#rows = []
    let start = 0
    while (start < rows.length) {
      // A run of rows of one kind (new deliveries of one hook, or others), then its chunks.
      const first = rows[start]!
      const fresh = this.#fresh(first)
      let end = start + 1
      while (end < rows.length && this.#sameRun(first, rows[end]!, fresh)) end++
      while (start < end) {
        const size = CHUNKS.find(chunk => chunk <= end - start)!
        this.#insert(rows, start, size, fresh)
        start += size
      }
    }
  }

  #insert(rows: readonly InsertValues[], start: number, size: number, fresh: boolean): void {
    const bound: unknown[] = []
    for (let row = start; row < start + size; row++) {
      const values = rows[row]!
      if (fresh) for (const index of FRESH_BOUND) bound.push(values[index])
      else for (const value of values) bound.push(value)
    }
    const statement = this.#statement(size, fresh)
    const first = rows[start]!
    const run = fresh
      ? statement.run(bound, { endpoint: first[1], url: first[2], type: first[3], method: first[4] })
      : statement.run(bound)
    const last = Number(run.lastInsertRowid)
    for (let at = 0; at < size; at++) this.#keys.set(rows[start + at]![0], last - size + 1 + at)
  }

  /** The batch failed: its rows are dropped with it. */
  clear(): void {
    this.#rows = []
  }

  #statement(size: number, fresh: boolean): Statement<unknown[]> {
    const statements = fresh ? this.#statements.fresh : this.#statements.full
    let statement = statements.get(size)
    if (statement === undefined) {
      const row = fresh ? this.#freshRow : ROW_VALUES
      statement = this.#db.prepare(`${INSERT_INTO} VALUES ${Array(size).fill(row).join(', ')}`)
      statements.set(size, statement)
    }
    return statement
  }
}
