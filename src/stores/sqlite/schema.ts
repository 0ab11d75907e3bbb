/**
 * The SQLite outbox: one table of pending deliveries, one of dead letters, and the statements the store runs. WAL mode
 * so readers (`rpc-web-hooks replay`, another process) never block the writer.
 *
 * The pending table is append-only in key order (issue 16): its key is `seq`, an integer that grows with each insert
 * (SQLite's rowid), and the delivery id is a plain column with no index. A batch of inserts then fills the last pages
 * of one b-tree instead of touching a page of a random-id index per row; the store addresses its rows by `seq` (and
 * checks the id). The dead letters are cold: they keep their id as key.
 */
import type { Database, Statement } from 'better-sqlite3'

export const PENDING = 'web_hook_pending'
export const DEAD = 'web_hook_dead_letters'

/** The columns of a delivery, without its id (the key differs between the two tables). */
const DELIVERY = `endpoint TEXT NOT NULL, url TEXT NOT NULL, type TEXT NOT NULL,
  method TEXT NOT NULL, callId TEXT NOT NULL, body TEXT NOT NULL, createdAt INTEGER NOT NULL,
  attempts INTEGER NOT NULL, notBefore INTEGER NOT NULL, traceparent TEXT`

/** The pending table (what `migratePending` also creates from a file of the former layout). */
const PENDING_TABLE = `CREATE TABLE IF NOT EXISTS ${PENDING} (seq INTEGER PRIMARY KEY, id TEXT NOT NULL,
  ${DELIVERY}, leaseUntil INTEGER, owner TEXT)`
/** What a pending row holds besides its key, in the order of `InsertValues`. */
const FIELDS = 'id, endpoint, url, type, method, callId, body, createdAt, attempts, notBefore, traceparent'

function columnNames(db: Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map(column => column.name)
}

/**
 * A pending table of the former layout (`id TEXT PRIMARY KEY`, an index on createdAt) is copied into the new one, in
 * the order it was delivered in (createdAt), in one transaction: a crash leaves the file as it was. The check is made
 * again inside the transaction (`BEGIN IMMEDIATE`): of two processes opening the file at once, one migrates it.
 */
function migratePending(db: Database): void {
  if (columnNames(db, PENDING).includes('seq')) return
  db.transaction(() => {
    if (columnNames(db, PENDING).includes('seq')) return
    db.exec(`
      ALTER TABLE ${PENDING} RENAME TO ${PENDING}_former;
      DROP INDEX IF EXISTS ${PENDING}_due;
      ${PENDING_TABLE};
      INSERT INTO ${PENDING} (${FIELDS}, leaseUntil, owner)
        SELECT ${FIELDS}, leaseUntil, owner FROM ${PENDING}_former ORDER BY createdAt, rowid;
      DROP TABLE ${PENDING}_former;
    `)
  }).immediate()
}

export function createSchema(db: Database): void {
  db.exec(`
    ${PENDING_TABLE};
    CREATE TABLE IF NOT EXISTS ${DEAD} (id TEXT PRIMARY KEY, ${DELIVERY}, failedAt INTEGER NOT NULL,
      code TEXT NOT NULL, message TEXT NOT NULL, status INTEGER);
    CREATE INDEX IF NOT EXISTS ${DEAD}_failed ON ${DEAD} (failedAt);
  `)
  // Files made before telemetry (issue 14) have no traceparent column: add it, nullable (their rows have none).
  for (const table of [PENDING, DEAD])
    if (!columnNames(db, table).includes('traceparent')) db.exec(`ALTER TABLE ${table} ADD COLUMN traceparent TEXT`)
  // Files made before issue 16 key their pending deliveries by id: copied into the table above.
  migratePending(db)
}

export interface PendingRow {
  id: string
  endpoint: string
  url: string
  type: 'pre' | 'post'
  method: string
  callId: string
  body: string
  createdAt: number
  attempts: number
  notBefore: number
  /** The call's W3C trace context (telemetry), null when it had none. */
  traceparent: string | null
}

/** A pending row as `due` reads it: with its key. */
export interface DueRow extends PendingRow {
  seq: number
}

export interface DeadRow extends PendingRow {
  failedAt: number
  code: string
  message: string
  status: number | null
}

/**
 * The values of an insert, in the order of `INSERT_INTO`: bound by position, which costs better-sqlite3 about a
 * microsecond less per row than by name (the insert is on the call path).
 */
export type InsertValues = [
  id: string,
  endpoint: string,
  url: string,
  type: 'pre' | 'post',
  method: string,
  callId: string,
  body: string,
  createdAt: number,
  attempts: number,
  notBefore: number,
  traceparent: string | null,
  leaseUntil: number | null,
  owner: string | null,
]

/** A pending row addressed by its key, and its id checked (a key whose row is gone may be given to another row). */
interface Row {
  seq: number
  id: string
}

export interface Statements {
  insert: Statement<InsertValues>
  /** The key of a pending delivery, by id: reads the whole table (only when the store does not know the key). */
  seqOf: Statement<[string], { seq: number }>
  owners: Statement<[{ owner: string; now: number }], { owner: string }>
  release: Statement<[string]>
  releaseOne: Statement<[Row & { notBefore: number }]>
  due: Statement<[{ now: number; limit: number }], DueRow>
  claim: Statement<[{ seq: number; leaseUntil: number; owner: string }]>
  /** By position (seq, id): binding by name costs better-sqlite3 more, and an ack follows every delivery. */
  ack: Statement<[seq: number, id: string]>
  retry: Statement<[Row & { notBefore: number; attempts: number; leaseUntil: number; owner: string }]>
  bury: Statement<[DeadRow]>
  dead: Statement<[number], DeadRow>
  deadById: Statement<[string], DeadRow>
  unbury: Statement<[string]>
  count: Statement<[], { pending: number; dead: number }>
}

/** The insert of a pending row, without its values (`Inserts` adds one `ROW_VALUES` per row). */
export const INSERT_INTO = `INSERT INTO ${PENDING} (${FIELDS}, leaseUntil, owner)`
/** The placeholders of one row's `InsertValues`. */
export const ROW_VALUES = `(${`${FIELDS}, leaseUntil, owner`.replace(/\w+/g, '?')})`

export function prepare(db: Database): Statements {
  const fields = FIELDS
  const values = '@id, @endpoint, @url, @type, @method, @callId, @body, @createdAt, @attempts, @notBefore, @traceparent'
  return {
    insert: db.prepare(`${INSERT_INTO} VALUES ${ROW_VALUES}`),
    seqOf: db.prepare(`SELECT seq FROM ${PENDING} WHERE id = ?`),
    owners: db.prepare(
      `SELECT DISTINCT owner FROM ${PENDING} WHERE owner IS NOT NULL AND owner != @owner AND leaseUntil > @now`
    ),
    release: db.prepare(`UPDATE ${PENDING} SET leaseUntil = NULL, owner = NULL WHERE owner = ?`),
    releaseOne: db.prepare(
      `UPDATE ${PENDING} SET leaseUntil = NULL, owner = NULL, notBefore = @notBefore WHERE seq = @seq AND id = @id`
    ),
    // In insertion order: the order of the calls (a replayed dead letter comes after what is already pending).
    due: db.prepare(
      `SELECT seq, ${fields} FROM ${PENDING} WHERE notBefore <= @now AND (leaseUntil IS NULL OR leaseUntil <= @now)
       ORDER BY seq LIMIT @limit`
    ),
    claim: db.prepare(`UPDATE ${PENDING} SET leaseUntil = @leaseUntil, owner = @owner WHERE seq = @seq`),
    ack: db.prepare(`DELETE FROM ${PENDING} WHERE seq = ? AND id = ?`),
    retry: db.prepare(
      `UPDATE ${PENDING} SET notBefore = @notBefore, attempts = @attempts, leaseUntil = @leaseUntil, owner = @owner
       WHERE seq = @seq AND id = @id`
    ),
    bury: db.prepare(
      `INSERT OR REPLACE INTO ${DEAD} (${fields}, failedAt, code, message, status)
       VALUES (${values}, @failedAt, @code, @message, @status)`
    ),
    dead: db.prepare(`SELECT * FROM ${DEAD} ORDER BY failedAt, rowid LIMIT ?`),
    deadById: db.prepare(`SELECT * FROM ${DEAD} WHERE id = ?`),
    unbury: db.prepare(`DELETE FROM ${DEAD} WHERE id = ?`),
    count: db.prepare(`SELECT (SELECT count(*) FROM ${PENDING}) AS pending, (SELECT count(*) FROM ${DEAD}) AS dead`),
  }
}
