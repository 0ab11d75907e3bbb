/**
 * The SQLite store (issue 7): an embedded, durable outbox on better-sqlite3. Writes are group-committed (issue 16,
 * `write-batch.ts`): a pre hook before the call runs, a post hook before the call's promise settles, the writes made
 * together in one transaction; acks, retries and dead letters folded into the next one.
 */
import type { WebHookDeadLetter, WebHookLease, WebHookStore, WebHookStoredDelivery } from '../../contracts/store.js'
import { WebHookStoreError } from '../../errors/store-error.js'
import { newOwner } from '../owner.js'
import { type Key, Keys } from './keys.js'
import { check, open, type WebHookSqliteStoreOptions } from './options.js'
import { createReads } from './reads.js'
import { deadRow, insertValues, letter } from './rows.js'
import { Writer } from './writer.js'

export type { WebHookSqliteStoreOptions } from './options.js'

/** Counts of what the outbox holds. */
export interface WebHookSqliteStoreCounts {
  pending: number
  dead: number
}

/**
 * The SQLite store: a {@link WebHookStore} whose reads are synchronous, plus offline replay and counts. Its writes are
 * group-committed: each returns a promise that resolves once its transaction is committed, or rejects with a
 * `WebHookStoreError` (`ERR_WEB_HOOK_STORE_WRITE`) shared by every write of that transaction, none of which is then
 * in the file. A pre hook's `enqueue` is committed before it returns, a post hook's in a microtask (with the other
 * writes made before it runs), `ack`, `release`, `retryAt` and `deadLetter` at the next `setImmediate` or in an
 * earlier commit. Reads and `close()` commit what is queued first.
 */
export interface WebHookSqliteStore extends WebHookStore {
  readonly kind: 'sqlite'
  readonly durable: true
  /** The database file. */
  readonly filename: string
  enqueue(delivery: WebHookStoredDelivery, leaseUntil: number): Promise<void>
  lease(options: WebHookLease): WebHookStoredDelivery[]
  ack(id: string): Promise<void>
  release(id: string, notBefore: number): Promise<void>
  retryAt(id: string, at: number, attempts: number): Promise<void>
  deadLetter(letter: WebHookDeadLetter): Promise<void>
  listDeadLetters(options?: { limit?: number }): WebHookDeadLetter[]
  takeDeadLetters(ids?: readonly string[]): WebHookStoredDelivery[]
  /**
   * Moves dead letters (all, or those with these ids) back to the pending deliveries with their attempts reset,
   * without an engine: the next engine that uses this file delivers them (what `rpc-web-hooks replay` does). Returns
   * the ids moved. To replay within a running process, use `.webHooks.replay()` instead.
   */
  replayDeadLetters(ids?: readonly string[]): string[]
  /** Pending deliveries and dead letters in the file. */
  counts(): WebHookSqliteStoreCounts
  close(): void
}

const DEFAULT_LEASE_MS = 5 * 60_000

/**
 * Creates a durable outbox in a SQLite file (better-sqlite3, an optional peer dependency: `npm i better-sqlite3`).
 * Opens the file at once: a path that cannot be opened throws a `WebHookStoreError` (`ERR_WEB_HOOK_STORE_OPEN`).
 * Deliveries are in the file before the call that accepted them settles (a pre hook before the call runs; the writes
 * made together share one transaction: group commit), leased while this process works on them, and picked up again
 * after a restart (leases of a process of this host that died are released at once; others expire).
 *
 * @example
 * import { withWebHooks } from 'rpc-web-hooks'
 * import { sqliteStore } from 'rpc-web-hooks/sqlite'
 *
 * const store = sqliteStore({ filename: '/var/lib/my-server/web-hooks.db' })
 * const rpc = withWebHooks(dispatch, { hooks, store })
 * for (const letter of store.listDeadLetters()) console.log(letter.id, letter.code, letter.message)
 */
export function sqliteStore(options: WebHookSqliteStoreOptions): WebHookSqliteStore {
  check(options)
  const { db, statements: sql } = open(options)
  const keys = new Keys(sql)
  const owner = newOwner()
  const writer = new Writer(db, options.filename, keys, owner)
  const reads = createReads(db, sql, keys, owner)
  let leaseMs = DEFAULT_LEASE_MS
  let closed = false

  /** Before a write: the store is open. Before a read: it is, and what is queued is committed (read your writes). */
  function assertOpen(): void {
    if (closed)
      throw new WebHookStoreError('ERR_WEB_HOOK_STORE_CLOSED', 'sqlite', 'The SQLite web hook store is closed')
  }
  function read<T>(reading: () => T): T {
    assertOpen()
    writer.flush()
    return reading()
  }
  /** Runs a write on a pending row this process knows the key of, committed with the next batch. */
  function later(id: string, write: (key: Key) => number, forget = true): Promise<void> {
    assertOpen()
    return writer.write(() => (forget ? keys.forget(id, write) : keys.use(id, write)), 'later')
  }

  return {
    kind: 'sqlite',
    durable: true,
    filename: options.filename,
    enqueue(item, leaseUntil) {
      assertOpen()
      const now = Date.now()
      if (leaseUntil > now) leaseMs = leaseUntil - now
      // A pre hook's call runs as soon as this returns: commit now. A post's call settles after a microtask.
      return writer.insert(
        insertValues(item, leaseUntil > now ? leaseUntil : null, owner),
        item.type === 'pre' ? 'now' : 'microtask'
      )
    },
    lease(lease) {
      leaseMs = lease.leaseMs
      return read(() => reads.lease(lease))
    },
    ack: id => later(id, key => sql.ack.run(key.seq, key.id).changes),
    // Not this process's any more: another may lease it.
    release: (id, notBefore) => later(id, key => sql.releaseOne.run({ ...key, notBefore }).changes),
    retryAt(id, at, attempts) {
      // This process keeps the delivery until its retry is due, and for a lease after that.
      const values = { notBefore: at, attempts, leaseUntil: Math.max(at, Date.now()) + leaseMs, owner }
      return later(id, key => sql.retry.run({ ...key, ...values }).changes, false)
    },
    deadLetter(dead) {
      assertOpen()
      const buried = deadRow(dead)
      return writer.write(() => {
        keys.forget(dead.id, key => sql.ack.run(key.seq, key.id).changes)
        sql.bury.run(buried)
      }, 'later')
    },
    listDeadLetters: ({ limit = -1 } = {}) => read(() => sql.dead.all(limit).map(letter)),
    takeDeadLetters: ids => read(() => reads.take(ids)),
    replayDeadLetters: ids => read(() => reads.requeue(ids)),
    counts: () => read(() => sql.count.get()!),
    close() {
      if (closed) return
      closed = true
      // What is queued is committed first; what this instance held is then free for the next one (a restart in the
      // same process, or another process).
      writer.close()
      sql.release.run(owner)
      db.close()
    },
  }
}
