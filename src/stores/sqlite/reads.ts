/**
 * The SQLite store's reads that write too, each one transaction: leasing due deliveries (and releasing the leases of
 * dead processes of this host), taking dead letters out, and moving them back to pending (offline replay).
 */
import type { Database } from 'better-sqlite3'
import type { WebHookLease, WebHookStoredDelivery } from '../../contracts/store.js'
import { isDeadOwner } from '../owner.js'
import type { Keys } from './keys.js'
import { delivery, insertValues } from './rows.js'
import type { Statements } from './schema.js'

/** Leases come back within milliseconds while a backlog drains; dead owners are looked for at most this often, ms. */
const DEAD_CHECK_MS = 1000

export interface Reads {
  lease(lease: WebHookLease): WebHookStoredDelivery[]
  take(ids: readonly string[] | undefined): WebHookStoredDelivery[]
  requeue(ids: readonly string[] | undefined): string[]
}

export function createReads(db: Database, sql: Statements, keys: Keys, owner: string): Reads {
  /** When the leases of dead processes were last looked for: at most once a second (it reads the whole table). */
  let deadCheckedAt = Number.NEGATIVE_INFINITY
  const releaseDead = (now: number): void => {
    if (now - deadCheckedAt < DEAD_CHECK_MS) return
    deadCheckedAt = now
    for (const { owner: other } of sql.owners.all({ owner, now })) if (isDeadOwner(other)) sql.release.run(other)
  }

  const lease = db.transaction(({ limit, leaseMs, now }: WebHookLease): WebHookStoredDelivery[] => {
    releaseDead(now)
    const rows = sql.due.all({ now, limit })
    for (const row of rows) {
      sql.claim.run({ seq: row.seq, leaseUntil: now + leaseMs, owner })
      keys.set(row.id, row.seq)
    }
    return rows.map(delivery)
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
    for (const item of taken) sql.insert.run(...insertValues(item, null, null))
    return taken.map(item => item.id)
  })

  return { lease, take, requeue }
}
