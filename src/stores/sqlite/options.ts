/**
 * The options of the SQLite store, checked once (a bad one is a `WebHookStoreError` from the factory), and the file
 * opened with them.
 */
import type Database from 'better-sqlite3'
import { WebHookStoreError } from '../../errors/store-error.js'
import { MAX_DURATION } from '../../validation/check.js'
import { findUnknownKey } from '../../validation/known-keys.js'
import { loadPeer } from '../peer.js'
import { createSchema, prepare, type Statements } from './schema.js'

/** Options of {@link sqliteStore}. */
export interface WebHookSqliteStoreOptions {
  /**
   * Path of the database file (created if absent, with its `-wal` and `-shm` companions), or `:memory:` for tests.
   * @example '/var/lib/my-server/web-hooks.db'
   */
  filename: string
  /**
   * SQLite's `synchronous` setting. `normal` (with WAL) survives a crash of the process, not of the machine (the last
   * transactions may be lost on power loss); `full` survives both, at the cost of an fsync per commit: one per batch
   * of writes made together (group commit), not one per hook.
   * @default 'normal'
   */
  synchronous?: 'normal' | 'full'
  /**
   * How long a write waits for another process holding the database, ms.
   * @default 5000
   */
  busyTimeout?: number
}

/** The options of {@link sqliteStore} (one list: a new option is one more entry). */
const OPTION_KEYS = [
  'filename',
  'synchronous',
  'busyTimeout',
] as const satisfies readonly (keyof WebHookSqliteStoreOptions)[]

export function check(options: WebHookSqliteStoreOptions): void {
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

export function open(options: WebHookSqliteStoreOptions): { db: Database.Database; statements: Statements } {
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
