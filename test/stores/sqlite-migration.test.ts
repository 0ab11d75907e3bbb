/**
 * The pending table keyed by an increasing `seq` (issue 16): a file made with the former layout (`id TEXT PRIMARY
 * KEY`, an index on createdAt) is migrated at open, in one transaction, and its rows are delivered; rows are
 * addressed by key and id, so a key given to a new row never reaches the old delivery's writes.
 */
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { sqliteStore, type WebHookStoredDelivery, WebHookStoreError } from '../../src/stores/sqlite/index.js'
import { onCleanup, receiver, tempDir, uniqueIds, until, wrap } from './helpers.js'

/** The statements of the layout before issue 16, word for word. */
const COLUMNS = `id TEXT PRIMARY KEY, endpoint TEXT NOT NULL, url TEXT NOT NULL, type TEXT NOT NULL,
  method TEXT NOT NULL, callId TEXT NOT NULL, body TEXT NOT NULL, createdAt INTEGER NOT NULL,
  attempts INTEGER NOT NULL, notBefore INTEGER NOT NULL, traceparent TEXT`
const FORMER = `
  CREATE TABLE IF NOT EXISTS web_hook_pending (${COLUMNS}, leaseUntil INTEGER, owner TEXT);
  CREATE INDEX IF NOT EXISTS web_hook_pending_due ON web_hook_pending (createdAt);
  CREATE TABLE IF NOT EXISTS web_hook_dead_letters (${COLUMNS}, failedAt INTEGER NOT NULL, code TEXT NOT NULL,
    message TEXT NOT NULL, status INTEGER);
  CREATE INDEX IF NOT EXISTS web_hook_dead_letters_failed ON web_hook_dead_letters (failedAt);`

/** A file of the former layout holding these pending ids (inserted in this order, createdAt as given) and one dead letter. */
function formerFile(url: string, pending: Array<[id: string | null, createdAt: number]>): string {
  const filename = join(tempDir(), 'former.db')
  const db = new Database(filename)
  db.pragma('journal_mode = WAL')
  db.exec(FORMER)
  const insert = db.prepare(`INSERT INTO web_hook_pending VALUES (?, ?, ?, 'post', 'a', ?, '{"type":"post"}', ?, 0, 0,
    NULL, NULL, NULL)`)
  for (const [id, createdAt] of pending) insert.run(id, url, url, `call_${id}`, createdAt)
  db.prepare(`INSERT INTO web_hook_dead_letters VALUES ('msg_dead', ?, ?, 'post', 'a', 'c', '{}', 1, 3, 0, NULL, 2,
    'ERR_WEB_HOOK_HTTP', 'HTTP 500', 500)`).run(url, url)
  db.close()
  return filename
}

function layout(filename: string) {
  const db = new Database(filename, { readonly: true })
  try {
    const names = (sql: string) => (db.prepare(sql).all() as Array<{ name: string }>).map(row => row.name)
    return {
      columns: names('PRAGMA table_info(web_hook_pending)'),
      indexes: names('PRAGMA index_list(web_hook_pending)'),
      tables: names(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`),
      seqs: (db.prepare('SELECT id FROM web_hook_pending ORDER BY rowid').all() as Array<{ id: string }>).map(
        row => row.id
      ),
    }
  } finally {
    db.close()
  }
}

const delivery = (id: string): WebHookStoredDelivery => ({
  id,
  endpoint: 'http://127.0.0.1:9/',
  url: 'http://127.0.0.1:9/',
  type: 'post',
  method: 'a',
  callId: `call_${id}`,
  body: '{}',
  createdAt: Date.now(),
  attempts: 0,
  notBefore: 0,
})

describe('sqliteStore: the pending table keyed by seq', () => {
  it('migrates a file of the former layout at open: rows in createdAt order, no index on the pending table', () => {
    const filename = formerFile('http://127.0.0.1:9/', [
      ['msg_b', 2000],
      ['msg_a', 1000],
      ['msg_c', 3000],
    ])
    const store = sqliteStore({ filename })
    onCleanup(() => store.close())
    const after = layout(filename)
    expect(after.columns.slice(0, 2)).toEqual(['seq', 'id'])
    expect(after.indexes).toEqual([])
    expect(after.tables).toEqual(['web_hook_dead_letters', 'web_hook_pending'])
    expect(after.seqs).toEqual(['msg_a', 'msg_b', 'msg_c'])
    expect(store.counts()).toEqual({ pending: 3, dead: 1 })
    expect(store.listDeadLetters().map(letter => letter.id)).toEqual(['msg_dead'])
    const leased = store.lease({ limit: 10, leaseMs: 60_000, now: Date.now() })
    expect(leased.map(item => item.id)).toEqual(['msg_a', 'msg_b', 'msg_c'])
    store.close()
    // Opened again: already migrated, nothing copied twice.
    const again = sqliteStore({ filename })
    onCleanup(() => again.close())
    expect(layout(filename).seqs).toEqual(['msg_a', 'msg_b', 'msg_c'])
    expect(again.counts()).toEqual({ pending: 3, dead: 1 })
  })

  it('delivers the rows of a migrated file, then forgets them by key', async () => {
    const server = await receiver()
    const url = `${server.url}/`
    const filename = formerFile(url, [
      ['msg_x', Date.now() - 2],
      ['msg_y', Date.now() - 1],
    ])
    const store = sqliteStore({ filename })
    onCleanup(() => store.close())
    wrap({ hooks: [{ method: 'a', type: 'post', url }], store })
    await server.waitFor(2)
    expect([...uniqueIds(server)].sort()).toEqual(['msg_x', 'msg_y'])
    await until(() => store.counts().pending === 0, 'the acks')
    expect(store.counts().dead).toBe(1)
  })

  it('a migration that cannot copy a row leaves the file as it was, with a coded error', () => {
    // The former key let a NULL id in (SQLite's text primary keys do); the new id column does not.
    const filename = formerFile('http://127.0.0.1:9/', [
      ['msg_ok', 1],
      [null, 2],
    ])
    let error: unknown
    try {
      sqliteStore({ filename })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(WebHookStoreError)
    expect((error as WebHookStoreError).code).toBe('ERR_WEB_HOOK_STORE_OPEN')
    expect((error as Error).message).toContain('former.db')
    const after = layout(filename)
    expect(after.columns[0]).toBe('id')
    expect(after.indexes).toContain('web_hook_pending_due')
    expect(after.tables).toEqual(['web_hook_dead_letters', 'web_hook_pending'])
    expect(after.seqs).toEqual(['msg_ok', null])
  })

  it('a key given to a new row never reaches the writes of the delivery that had it', async () => {
    const filename = join(tempDir(), 'keys.db')
    const first = sqliteStore({ filename })
    const second = sqliteStore({ filename })
    onCleanup(() => first.close())
    onCleanup(() => second.close())
    const now = Date.now()
    await first.enqueue(delivery('msg_old'), now + 1)
    // The first store's lease expires; the second takes the delivery, delivers it, and its next insert gets the
    // freed key (SQLite gives max + 1).
    expect(second.lease({ limit: 10, leaseMs: 60_000, now: now + 10 }).map(item => item.id)).toEqual(['msg_old'])
    await second.ack('msg_old')
    await second.enqueue(delivery('msg_new'), now + 60_000)
    expect(layout(filename).seqs).toEqual(['msg_new'])
    // The first store, late, acts on its delivery: the new row is untouched.
    await first.retryAt('msg_old', now + 5000, 1)
    await first.ack('msg_old')
    expect(first.counts()).toEqual({ pending: 1, dead: 0 })
    expect(second.lease({ limit: 10, leaseMs: 60_000, now: now + 120_000 }).map(item => item.id)).toEqual(['msg_new'])
  })
})
