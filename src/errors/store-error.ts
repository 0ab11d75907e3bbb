import { WebHookError } from './web-hook-error.js'

/** Codes of {@link WebHookStoreError}. */
export type WebHookStoreErrorCode =
  | 'ERR_WEB_HOOK_STORE_OPEN'
  | 'ERR_WEB_HOOK_STORE_OPTIONS'
  | 'ERR_WEB_HOOK_STORE_UNREACHABLE'
  | 'ERR_WEB_HOOK_STORE_UNKNOWN_ENDPOINT'
  | 'ERR_WEB_HOOK_STORE_CLOSED'
  | 'ERR_WEB_HOOK_STORE_PEER_MISSING'
  | 'ERR_WEB_HOOK_STORE_WRITE'

const HINTS: Record<WebHookStoreErrorCode, string> = {
  ERR_WEB_HOOK_STORE_OPEN:
    'check that the directory exists and is writable by this process, and that the file is a SQLite database',
  ERR_WEB_HOOK_STORE_OPTIONS: 'see docs/durability.md for the options of each store',
  ERR_WEB_HOOK_STORE_UNREACHABLE:
    'check that Redis is running and reachable (host, port, password, TLS); deliveries wait in this process, within ' +
    'queue.maxSize (the overflow policy applies), until it is',
  ERR_WEB_HOOK_STORE_UNKNOWN_ENDPOINT:
    'no configured hook has this URL any more; add it back and replay the dead letter, or discard it',
  ERR_WEB_HOOK_STORE_CLOSED: 'the store was closed; create a new one',
  ERR_WEB_HOOK_STORE_PEER_MISSING:
    'install it in the project that depends on rpc-web-hooks, then restart; docs/durability.md says which store needs which package',
  ERR_WEB_HOOK_STORE_WRITE:
    'check that the disk has room and that the file is writable by this process (and not held by another one for ' +
    'longer than busyTimeout); what the failed batch held is not in the file: its deliveries go on in memory, and a ' +
    'restart would lose them or send them again',
}

/**
 * A durable store (`sqliteStore`, `bullmqStore`) failed: its driver (better-sqlite3, bullmq) is not installed, the
 * database cannot be opened, an option is invalid, Redis is unreachable, a stored delivery's endpoint is no longer
 * configured, or the store was closed. Thrown by the store's
 * factory for bad options and unopenable files; reported (logger, `onError` of the store context) otherwise. The
 * message never holds a password.
 */
export class WebHookStoreError extends WebHookError {
  override name = 'WebHookStoreError' as const
  declare readonly code: WebHookStoreErrorCode
  /** The store: `sqlite` or `bullmq`. */
  readonly store: string

  constructor(code: WebHookStoreErrorCode, store: string, what: string, options?: { cause?: unknown }) {
    super(code, `${what}: ${HINTS[code]}.`, options)
    this.store = store
  }
}
