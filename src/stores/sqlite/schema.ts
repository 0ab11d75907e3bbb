/**
 * The SQLite outbox: one table of pending deliveries, one of dead letters, and the statements the store runs. WAL mode
 * so readers (`rpc-web-hooks replay`, another process) never block the writer.
 */
import type { Database, Statement } from 'better-sqlite3'

export const PENDING = 'web_hook_pending'
export const DEAD = 'web_hook_dead_letters'

const COLUMNS = `id TEXT PRIMARY KEY, endpoint TEXT NOT NULL, url TEXT NOT NULL, type TEXT NOT NULL,
  method TEXT NOT NULL, callId TEXT NOT NULL, body TEXT NOT NULL, createdAt INTEGER NOT NULL,
  attempts INTEGER NOT NULL, notBefore INTEGER NOT NULL, traceparent TEXT`

export function createSchema(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS ${PENDING} (${COLUMNS}, leaseUntil INTEGER, owner TEXT);
    CREATE INDEX IF NOT EXISTS ${PENDING}_due ON ${PENDING} (createdAt);
    CREATE TABLE IF NOT EXISTS ${DEAD} (${COLUMNS}, failedAt INTEGER NOT NULL, code TEXT NOT NULL,
      message TEXT NOT NULL, status INTEGER);
    CREATE INDEX IF NOT EXISTS ${DEAD}_failed ON ${DEAD} (failedAt);
  `)
  // Files made before telemetry (issue 14) have no traceparent column: add it, nullable (their rows have none).
  for (const table of [PENDING, DEAD]) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>
    if (!columns.some(column => column.name === 'traceparent'))
      db.exec(`ALTER TABLE ${table} ADD COLUMN traceparent TEXT`)
  }
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

export interface DeadRow extends PendingRow {
  failedAt: number
  code: string
  message: string
  status: number | null
}

/**
 * The values of an insert, in the order of `INSERT_FIELDS`: bound by position, which costs better-sqlite3 about a
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

export interface Statements {
  insert: Statement<InsertValues>
  owners: Statement<[{ owner: string; now: number }], { owner: string }>
  release: Statement<[string]>
  releaseOne: Statement<[{ id: string; notBefore: number }]>
  due: Statement<[{ now: number; limit: number }], PendingRow>
  claim: Statement<[{ id: string; leaseUntil: number; owner: string }]>
  ack: Statement<[string]>
  retry: Statement<[{ id: string; notBefore: number; attempts: number; leaseUntil: number; owner: string }]>
  bury: Statement<[DeadRow]>
  dead: Statement<[number], DeadRow>
  deadById: Statement<[string], DeadRow>
  unbury: Statement<[string]>
  count: Statement<[], { pending: number; dead: number }>
}

export function prepare(db: Database): Statements {
  const fields = 'id, endpoint, url, type, method, callId, body, createdAt, attempts, notBefore, traceparent'
  const values = '@id, @endpoint, @url, @type, @method, @callId, @body, @createdAt, @attempts, @notBefore, @traceparent'
  return {
    insert: db.prepare(
      `INSERT OR REPLACE INTO ${PENDING} (${fields}, leaseUntil, owner) VALUES (${fields.replace(/\w+/g, '?')}, ?, ?)`
    ),
    owners: db.prepare(
      `SELECT DISTINCT owner FROM ${PENDING} WHERE owner IS NOT NULL AND owner != @owner AND leaseUntil > @now`
    ),
    release: db.prepare(`UPDATE ${PENDING} SET leaseUntil = NULL, owner = NULL WHERE owner = ?`),
    releaseOne: db.prepare(
      `UPDATE ${PENDING} SET leaseUntil = NULL, owner = NULL, notBefore = @notBefore WHERE id = @id`
    ),
    due: db.prepare(
      `SELECT ${fields} FROM ${PENDING} WHERE notBefore <= @now AND (leaseUntil IS NULL OR leaseUntil <= @now)
       ORDER BY createdAt LIMIT @limit`
    ),
    claim: db.prepare(`UPDATE ${PENDING} SET leaseUntil = @leaseUntil, owner = @owner WHERE id = @id`),
    ack: db.prepare(`DELETE FROM ${PENDING} WHERE id = ?`),
    retry: db.prepare(
      `UPDATE ${PENDING} SET notBefore = @notBefore, attempts = @attempts, leaseUntil = @leaseUntil, owner = @owner
       WHERE id = @id`
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
