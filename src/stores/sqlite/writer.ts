/**
 * The SQLite store's writes (issue 16): group-committed by a `WriteBatch`, the inserts of a batch made by multi-row
 * statements (`Inserts`), the WAL checkpointed off the writer's thread (`Checkpointer`).
 */
import type { Database } from 'better-sqlite3'
import { WebHookStoreError } from '../../errors/store-error.js'
import { peerPath } from '../peer.js'
import { Checkpointer } from './checkpointer.js'
import { Inserts } from './inserts.js'
import type { Keys } from './keys.js'
import type { InsertValues } from './schema.js'
import { type Urgency, WriteBatch } from './write-batch.js'

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

export class Writer {
  readonly #batch: WriteBatch
  readonly #inserts: Inserts
  readonly #checkpointer: Checkpointer

  constructor(db: Database, filename: string, keys: Keys, owner: string) {
    const inserts = new Inserts(db, keys, owner)
    const checkpointer = new Checkpointer(db, filename, peerPath('better-sqlite3'))
    const transaction = db.transaction((writes: ReadonlyArray<() => void>) => {
      for (const write of writes) write()
    })
    this.#batch = new WriteBatch(
      (writes, count) => {
        try {
          transaction(writes)
        } finally {
          // Rows of a batch rolled back before its inserts ran are dropped with it.
          inserts.clear()
        }
        checkpointer.committed(count)
      },
      (cause, count) => writeError(filename, cause, count)
    )
    this.#inserts = inserts
    this.#checkpointer = checkpointer
  }

  /** Inserts a pending row, committed as `when` says. */
  insert(values: InsertValues, when: Urgency): Promise<void> {
    if (this.#inserts.add(values)) return this.#batch.add(this.#inserts.write, when)
    return this.#batch.also(when)
  }

  /** Any other write. */
  write(write: () => void, when: Urgency): Promise<void> {
    return this.#batch.add(write, when)
  }

  /** Commits what is queued (before a read). */
  flush(): void {
    this.#batch.flush()
  }

  close(): void {
    this.#batch.close()
    this.#checkpointer.close()
  }
}
