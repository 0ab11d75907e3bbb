/**
 * The SQLite store (issue 7): an embedded, durable outbox on better-sqlite3. Every step of a delivery's life is one
 * synchronous statement, so the engine's write-through happens before the API call that accepted the event returns.
 */
import type Database from 'better-sqlite3'
import type {
  WebHookDeadLetter,
  WebHookLease,
  WebHookStore,
  WebHookStoredDelivery,
} from '../../delivery/store-types.js'
import { MAX_DURATION } from '../../validation/check.js'
import { findUnknownKey } from '../../validation/known-keys.js'
import { WebHookStoreError } from '../../errors/store-error.js'
import { isDeadOwner, newOwner } from '../owner.js'
import { loadPeer } from '../peer.js'
import { createSchema, type DeadRow, type PendingRow, prepare, type Statements } from './schema.js'

/** Options of {@link sqliteStore}. */
export interface WebHookSqliteStoreOptions {
  /**
   * Path of the database file (created if absent, with its `-wal` and `-shm` companions), or `:memory:` for tests.
   * @example '/var/lib/my-server/web-hooks.db'
   */
  filename: string
  /**
   * SQLite's `synchronous` setting. `normal` (with WAL) survives a crash of the process, not of the machine (the last
   * transactions may be lost on power loss); `full` survives both, at the cost of an fsync per write.
   * @default 'normal'
   */
  synchronous?: 'normal' | 'full'
  /**
   * How long a write waits for another process holding the database, ms.
   * @default 5000
   */
  busyTimeout?: number
}

/** Counts of what the outbox holds. */
export interface WebHookSqliteStoreCounts {
  pending: number
  dead: number
}

/** The SQLite store: a {@link WebHookStore} whose methods are synchronous, plus offline replay and counts. */
export interface WebHookSqliteStore extends WebHookStore {
  readonly kind: 'sqlite'
  readonly durable: true
  /** The database file. */
  readonly filename: string
  enqueue(delivery: WebHookStoredDelivery, leaseUntil: number): void
  lease(options: WebHookLease): WebHookStoredDelivery[]
  ack(id: string): void
  release(id: string, notBefore: number): void
  retryAt(id: string, at: number, attempts: number): void
  deadLetter(letter: WebHookDeadLetter): void
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

/** The options of {@link sqliteStore} (one list: a new option is one more entry). */
const OPTION_KEYS = [
  'filename',
  'synchronous',
  'busyTimeout',
] as const satisfies readonly (keyof WebHookSqliteStoreOptions)[]

function check(options: WebHookSqliteStoreOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new WebHookStoreError('ERR_WEB_HOOK_STORE_OPTIONS', 'sqlite', 'sqliteStore() needs { filename }')
  }
  const unknown = findUnknownKey(options, OPTION_KEYS, '')
  if (unknown !== undefined) {
    throw new WebHookStoreError(
      'ERR_WEB_HOOK_STORE_OPTIONS',
      'sqlite',
      `sqliteStore({ ${unknown.path} }) ${unknown.message}`
    )
  }
  if (typeof options.filename !== 'string' || options.filename === '') {
    throw new WebHookStoreError(
      'ERR_WEB_HOOK_STORE_OPTIONS',
      'sqlite',
      `sqliteStore({ filename }) needs a file path, got ${JSON.stringify(options.filename)}`
    )
  }
  if (options.synchronous !== undefined && options.synchronous !== 'normal' && options.synchronous !== 'full') {
    throw new WebHookStoreError(
      'ERR_WEB_HOOK_STORE_OPTIONS',
      'sqlite',
      `sqliteStore({ synchronous }) must be 'normal' or 'full', got ${JSON.stringify(options.synchronous)}`
    )
  }
  const { busyTimeout } = options
  if (busyTimeout !== undefined && (!Number.isInteger(busyTimeout) || busyTimeout < 0 || busyTimeout > MAX_DURATION)) {
    throw new WebHookStoreError(
      'ERR_WEB_HOOK_STORE_OPTIONS',
      'sqlite',
      `sqliteStore({ busyTimeout }) must be an integer of ms from 0 to ${MAX_DURATION}, got ${JSON.stringify(busyTimeout)}`
    )
  }
}

function open(options: WebHookSqliteStoreOptions): { db: Database.Database; statements: Statements } {
  // Outside the try: a missing better-sqlite3 is its own error, not a file that cannot be opened.
  const Driver = loadPeer<typeof Database>('better-sqlite3', 'sqlite', 'sqliteStore')
  let db: Database.Database | undefined
  try {
    db = new Driver(options.filename, { timeout: options.busyTimeout ?? 5000 })
    db.pragma('journal_mode = WAL')
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`)
    createSchema(db)
    return { db, statements: prepare(db) }
  } catch (error) {
    db?.close()
    throw new WebHookStoreError(
      'ERR_WEB_HOOK_STORE_OPEN',
      'sqlite',
      `Cannot open the web hook outbox ${JSON.stringify(options.filename)} (${(error as Error).message})`,
      { cause: error }
    )
  }
}

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

function letter(row: DeadRow): WebHookDeadLetter {
  const { failedAt, code, message, status } = row
  return { ...delivery(row), failedAt, code, message, ...(status === null ? {} : { status }) }
}

/**
 * Creates a durable outbox in a SQLite file (better-sqlite3, an optional peer dependency: `npm i better-sqlite3`).
 * Opens the file at once: a path that cannot be opened throws a `WebHookStoreError` (`ERR_WEB_HOOK_STORE_OPEN`).
 * Deliveries are written before the call that accepted them returns, leased while this process works on them, and
 * picked up again after a restart (leases of a process of this host that died are released at once; others expire).
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
  const owner = newOwner()
  let leaseMs = DEFAULT_LEASE_MS
  let closed = false

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
    for (const row of rows) sql.claim.run({ id: row.id, leaseUntil: now + ms, owner })
    return rows.map(delivery)
  })

  const bury = db.transaction((dead: WebHookDeadLetter) => {
    sql.ack.run(dead.id)
    const { failedAt, code, message } = dead
    sql.bury.run({ ...row(dead), failedAt, code, message, status: dead.status ?? null })
  })

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
    for (const item of taken) sql.insert.run({ ...row(item), leaseUntil: null, owner: null })
    return taken.map(item => item.id)
  })

  function assertOpen(): void {
    if (closed)
      throw new WebHookStoreError('ERR_WEB_HOOK_STORE_CLOSED', 'sqlite', 'The SQLite web hook store is closed')
  }

  return {
    kind: 'sqlite',
    durable: true,
    filename: options.filename,
    enqueue(item, leaseUntil) {
      assertOpen()
      const now = Date.now()
      if (leaseUntil > now) leaseMs = leaseUntil - now
      sql.insert.run({ ...row(item), leaseUntil: leaseUntil > now ? leaseUntil : null, owner })
    },
    lease(lease) {
      assertOpen()
      leaseMs = lease.leaseMs
      return leaseDue(lease)
    },
    ack(id) {
      assertOpen()
      sql.ack.run(id)
    },
    release(id, notBefore) {
      assertOpen()
      sql.releaseOne.run({ id, notBefore })
    },
    retryAt(id, at, attempts) {
      assertOpen()
      // This process keeps the delivery until its retry is due, and for a lease after that.
      sql.retry.run({ id, notBefore: at, attempts, leaseUntil: Math.max(at, Date.now()) + leaseMs, owner })
    },
    deadLetter(dead) {
      assertOpen()
      bury(dead)
    },
    listDeadLetters({ limit = -1 } = {}) {
      assertOpen()
      return sql.dead.all(limit).map(letter)
    },
    takeDeadLetters(ids) {
      assertOpen()
      return take(ids)
    },
    replayDeadLetters(ids) {
      assertOpen()
      return requeue(ids)
    },
    counts() {
      assertOpen()
      return sql.count.get()!
    },
    close() {
      if (closed) return
      closed = true
      // What this instance held is free for the next one (a restart in the same process, or another process).
      sql.release.run(owner)
      db.close()
    },
  }
}
