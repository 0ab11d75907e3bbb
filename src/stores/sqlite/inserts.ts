/**
 * The inserts of one batch, made by multi-row statements (issue 16): `INSERT … VALUES (…), (…), …` of up to
 * `CHUNKS[0]` rows costs better-sqlite3 one call, one bind and one step for all of them, instead of one each; the
 * rows still go in in the order they were enqueued. A batch's inserts are one write of the `WriteBatch`, at the place
 * of its first insert: an insert made later in the same batch goes in with it, earlier, never after a write that came
 * after it.
 *
 * The rows of one statement get consecutive keys (`seq`, SQLite's rowid: each new row takes the largest plus one), so
 * the keys are known from `lastInsertRowid`; a key that came out otherwise is only a slower ack (`Keys` then looks the
 * row up by id), never a wrong one (each write checks the id).
 */
import type { Database, Statement } from 'better-sqlite3'
import type { Keys } from './keys.js'
import { INSERT_INTO, type InsertValues, ROW_VALUES } from './schema.js'

/** Statement sizes, largest first: a batch of n rows is cut into chunks of these sizes. */
const CHUNKS = [64, 16, 4, 1] as const

export class Inserts {
  readonly #db: Database
  readonly #keys: Keys
  readonly #statements = new Map<number, Statement<unknown[]>>()
  /** The values of the batch's rows, flat, and their ids. */
  #values: Array<InsertValues[number]> = []
  #ids: string[] = []

  constructor(db: Database, keys: Keys) {
    this.#db = db
    this.#keys = keys
  }

  /** Adds a row; true when it is the batch's first (the caller then queues `write`). */
  add(values: InsertValues): boolean {
    const first = this.#ids.length === 0
    this.#ids.push(values[0])
    for (const value of values) this.#values.push(value)
    return first
  }

  /** Inserts the rows added since the last call (inside the batch's transaction). */
  readonly write = (): void => {
    const values = this.#values
    const ids = this.#ids
    this.#values = []
    this.#ids = []
    const width = values.length / ids.length
    let row = 0
    while (row < ids.length) {
      const size = CHUNKS.find(chunk => chunk <= ids.length - row)!
      const bound = values.slice(row * width, (row + size) * width)
      const last = Number(this.#statement(size).run(bound).lastInsertRowid)
      for (let at = 0; at < size; at++) this.#keys.set(ids[row + at]!, last - size + 1 + at)
      row += size
    }
  }

  /** The batch failed: its rows are dropped with it. */
  clear(): void {
    this.#values = []
    this.#ids = []
  }

  #statement(size: number): Statement<unknown[]> {
    let statement = this.#statements.get(size)
    if (statement === undefined) {
      statement = this.#db.prepare(`${INSERT_INTO} VALUES ${Array(size).fill(ROW_VALUES).join(', ')}`)
      this.#statements.set(size, statement)
    }
    return statement
  }
}
