/**
 * The SQLite store (issue 7): an embedded, durable outbox on better-sqlite3. Writes are group-committed (issue 16,
 * `write-batch.ts`): a pre hook before the call runs, a post hook before the call's promise settles, the writes made
 * together in one transaction; acks, retries and dead letters folded into the next one.
 */
import type {
  WebHookDeadLetter,
  WebHookLease,
  WebHookStore,
  WebHookStoredDelivery,
} from '../../delivery/store-types.js'
import { WebHookStoreError } from '../../errors/store-error.js'
import { isDeadOwner, newOwner } from '../owner.js'
import { check, open, type WebHookSqliteStoreOptions } from './options.js'
import type { DeadRow, InsertValues, PendingRow } from './schema.js'
import { Keys } from './keys.js'
import { WriteBatch } from './write-batch.js'

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
/** Leases come back within milliseconds while a backlog drains; dead owners are looked for at most this often, ms. */
const DEAD_CHECK_MS = 1000

function delivery(row: PendingRow): WebHookStoredDelivery {
  const { id, endpoint, url, type, method, callId, body, createdAt, attempts, notBefore, traceparent } = row
  const stored = { id, endpoint, url, type, method, callId, body, createdAt, attempts, notBefore }
  return traceparent === null ? stored : { ...stored, traceparent }
}

/** A stored delivery as a row: every column named (`traceparent` null when the call had no trace context). */
function row(item: WebHookStoredDelivery): PendingRow {
  const { id, endpoint, url, type, method, callId, body, createdAt, attempts, notBefore } = item
  return {
    id,
    endpoint,
    url,
    type,
    method,
    callId,
    body,
    createdAt,
    attempts,
    notBefore,
    traceparent: item.traceparent ?? null,
  }
}

/** A stored delivery as the values of an insert (see `InsertValues`). */
function insertValues(item: WebHookStoredDelivery, leaseUntil: number | null, owner: string | null): InsertValues {
  const { id, endpoint, url, type, method, callId, body, createdAt, attempts, notBefore } = item
  const trace = item.traceparent ?? null
  return [id, endpoint, url, type, method, callId, body, createdAt, attempts, notBefore, trace, leaseUntil, owner]
}

function letter(row: DeadRow): WebHookDeadLetter {
  const { failedAt, code, message, status } = row
  return { ...delivery(row), failedAt, code, message, ...(status === null ? {} : { status }) }
}

/** What every write of a batch that could not be committed gets. */
function writeError(filename: string, cause: unknown, writes: number): WebHookStoreError {
  return new WebHookStoreError(
    'ERR_WEB_HOOK_STORE_WRITE',
    'sqlite',
    `Cannot write to the web hook outbox ${JSON.stringify(filename)}: a transaction of ${writes} write(s) was ` +
      `rolled back (${(cause as Error).message})`,
    { cause }
  )
}

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
  let leaseMs = DEFAULT_LEASE_MS
  let closed = false
  const batch = new WriteBatch(
    db.transaction((writes: ReadonlyArray<() => void>) => {
      for (const write of writes) write()
    }),
    (cause, writes) => writeError(options.filename, cause, writes)
  )

  /** When the leases of dead processes were last looked for: at most once a second (it reads the whole table). */
  let deadCheckedAt = Number.NEGATIVE_INFINITY
  const releaseDead = (now: number): void => {
    if (now - deadCheckedAt < DEAD_CHECK_MS) return
    deadCheckedAt = now
    for (const { owner: other } of sql.owners.all({ owner, now })) if (isDeadOwner(other)) sql.release.run(other)
  }

  const leaseDue = db.transaction(({ limit, leaseMs: ms, now }: WebHookLease): WebHookStoredDelivery[] => {
    releaseDead(now)
    const rows = sql.due.all({ now, limit })
    for (const row of rows) {
      sql.claim.run({ seq: row.seq, leaseUntil: now + ms, owner })
      keys.set(row.id, row.seq)
    }
    return rows.map(delivery)
  })

  const bury = (dead: WebHookDeadLetter, row: DeadRow) => () => {
    keys.forget(dead.id, key => sql.ack.run(key).changes)
    sql.bury.run(row)
  }

  const take = db.transaction((ids: readonly string[] | undefined): WebHookStoredDelivery[] => {
    const rows = ids === undefined ? sql.dead.all(-1) : ids.map(id => sql.deadById.get(id))
    const taken: WebHookStoredDelivery[] = []
    for (const row of rows) {
      if (row === undefined) continue
      sql.unbury.run(row.id)
      taken.push({ ...delivery(row), attempts: 0, notBefore: 0 })
    }
    return taken
  })

  const requeue = db.transaction((ids: readonly string[] | undefined): string[] => {
    const taken = take(ids)
    for (const item of taken) sql.insert.run(...insertValues(item, null, null))
    return taken.map(item => item.id)
  })

  /** Before a write: the store is open. Before a read: it is, and what is queued is committed (read your writes). */
  function assertOpen(): void {
    if (closed)
      throw new WebHookStoreError('ERR_WEB_HOOK_STORE_CLOSED', 'sqlite', 'The SQLite web hook store is closed')
  }
  function ready(): void {
    assertOpen()
    batch.flush()
  }

  return {
    kind: 'sqlite',
    durable: true,
    filename: options.filename,
    enqueue(item, leaseUntil) {
      assertOpen()
      const now = Date.now()
      if (leaseUntil > now) leaseMs = leaseUntil - now
      const values = insertValues(item, leaseUntil > now ? leaseUntil : null, owner)
      // A pre hook's call runs as soon as this returns: commit now. A post's call settles after a microtask.
      const insert = () => keys.set(item.id, Number(sql.insert.run(...values).lastInsertRowid))
      return batch.add(insert, item.type === 'pre' ? 'now' : 'microtask')
    },
    lease(lease) {
      ready()
      leaseMs = lease.leaseMs
      return leaseDue(lease)
    },
    ack(id) {
      assertOpen()
      return batch.add(() => keys.forget(id, key => sql.ack.run(key).changes), 'later')
    },
    release(id, notBefore) {
      assertOpen()
      // Not this process's any more: another may lease it.
      return batch.add(() => keys.forget(id, key => sql.releaseOne.run({ ...key, notBefore }).changes), 'later')
    },
    retryAt(id, at, attempts) {
      assertOpen()
      // This process keeps the delivery until its retry is due, and for a lease after that.
      const values = { notBefore: at, attempts, leaseUntil: Math.max(at, Date.now()) + leaseMs, owner }
      return batch.add(() => keys.use(id, key => sql.retry.run({ ...key, ...values }).changes), 'later')
    },
    deadLetter(dead) {
      assertOpen()
      const { failedAt, code, message } = dead
      return batch.add(bury(dead, { ...row(dead), failedAt, code, message, status: dead.status ?? null }), 'later')
    },
    listDeadLetters({ limit = -1 } = {}) {
      ready()
      return sql.dead.all(limit).map(letter)
    },
    takeDeadLetters(ids) {
      ready()
      return take(ids)
    },
    replayDeadLetters(ids) {
      ready()
      return requeue(ids)
    },
    counts() {
      ready()
      return sql.count.get()!
    },
    close() {
      if (closed) return
      closed = true
      // What is queued is committed first; what this instance held is then free for the next one (a restart in the
      // same process, or another process).
      batch.close()
      sql.release.run(owner)
      db.close()
    },
  }
}
