/**
 * `rpc-web-hooks/sqlite`: a durable outbox in a SQLite file, on better-sqlite3 (an optional peer dependency).
 *
 * @packageDocumentation
 */
export { sqliteStore } from './sqlite-store.js'
export type { WebHookSqliteStore, WebHookSqliteStoreCounts, WebHookSqliteStoreOptions } from './sqlite-store.js'
export { WebHookStoreError } from '../../errors/store-error.js'
export type { WebHookStoreErrorCode } from '../../errors/store-error.js'
export type { WebHookDeadLetter, WebHookStore, WebHookStoredDelivery } from '../../contracts/store.js'
