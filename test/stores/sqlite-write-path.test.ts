/**
 * The SQLite store's write path (issue 16): a batch's inserts made by multi-row statements, acks folded into one
 * commit, and the WAL checkpointed by a worker thread once the store has written enough. Read through a second
 * connection, as another process would see the file.
 */
import { statSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { sqliteStore, type WebHookStoredDelivery } from '../../src/stores/sqlite/index.js'
import { child, exited, onCleanup, storedDelivery, tempDir, until } from './helpers.js'

function outbox() {
  const filename = join(tempDir(), 'outbox.db')
  const store = sqliteStore({ filename })
  onCleanup(() => store.close())
  const db = new Database(filename, { readonly: true })
  onCleanup(() => db.close())
  const ids = db.prepare('SELECT id FROM web_hook_pending ORDER BY seq')
  return { filename, store, ids: () => (ids.all() as Array<{ id: string }>).map(row => row.id) }
}

describe('sqliteStore write path', () => {
  it('a batch of 85 inserts (statements of 64, 16, 4 and 1 rows) is in the file in order; each ack removes its own row', async () => {
    const { store, ids } = outbox()
    const batch = Array.from({ length: 85 }, () => storedDelivery())
    await Promise.all(batch.map(item => store.enqueue(item, Date.now() + 60_000)))
    expect(ids()).toEqual(batch.map(item => item.id))
    // Every other one acked, from the end: each ack finds its own row by the key its insert got.
    const acked = batch.filter((_, n) => n % 2 === 1).reverse()
    await Promise.all(acked.map(item => store.ack(item.id)))
    expect(ids()).toEqual(batch.filter((_, n) => n % 2 === 0).map(item => item.id))
    expect(store.counts()).toEqual({ pending: 43, dead: 0 })
  })

  it('new deliveries of two hooks and others (retried, delayed, traced) mixed in one batch keep their order and their values', async () => {
    const { store, ids, filename } = outbox()
    const batch = Array.from({ length: 30 }, (_, n) => {
      const item = storedDelivery()
      if (n % 7 === 3) return { ...item, attempts: 2 }
      if (n % 7 === 5) return { ...item, notBefore: Date.now() + 60_000 }
      if (n === 20) return { ...item, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }
      // Another hook's: its own endpoint, URL, type and method, in runs of one and of two.
      if (n % 9 === 1 || n % 9 === 2 || n === 27) {
        const url = `http://127.0.0.1:9/other?n=${n % 2}`
        return { ...item, endpoint: url, url, type: 'pre' as const, method: `b${n % 2}` }
      }
      return item
    })
    await Promise.all(batch.map(item => store.enqueue(item, Date.now() + 60_000)))
    expect(ids()).toEqual(batch.map(item => item.id))
    const db = new Database(filename, { readonly: true })
    onCleanup(() => db.close())
    const rows = db
      .prepare(
        'SELECT id, endpoint, url, type, method, attempts, notBefore, traceparent, owner FROM web_hook_pending ORDER BY seq'
      )
      .all() as Array<{
      id: string
      endpoint: string
      url: string
      type: string
      method: string
      attempts: number
      notBefore: number
      traceparent: string | null
      owner: string
    }>
    const columns = (row: WebHookStoredDelivery | (typeof rows)[number]) => [
      row.endpoint,
      row.url,
      row.type,
      row.method,
      row.attempts,
      row.notBefore,
      row.traceparent ?? null,
    ]
    expect(rows.map(columns)).toEqual(batch.map(columns))
    // One owner for all: this store's.
    expect(new Set(rows.map(row => row.owner)).size).toBe(1)
    await Promise.all(batch.map(item => store.ack(item.id)))
    expect(ids()).toEqual([])
  })

  it('a pre and posts in the same turn: the pre is committed at once, the posts with the next ones, all in order', async () => {
    const { store, ids } = outbox()
    const first = storedDelivery()
    const pre = storedDelivery({ type: 'pre' })
    const last = storedDelivery()
    const writes = [first, pre, last].map(item => store.enqueue(item, Date.now() + 60_000))
    // The pre's commit took the post queued before it along.
    expect(ids()).toEqual([first.id, pre.id])
    await Promise.all(writes)
    expect(ids()).toEqual([first.id, pre.id, last.id])
  })

  it('acks made in separate turns share one commit, and each is in the file once its promise resolves', async () => {
    const { store, ids } = outbox()
    const batch = Array.from({ length: 10 }, () => storedDelivery())
    await Promise.all(batch.map(item => store.enqueue(item, Date.now() + 60_000)))
    const acks: Promise<void>[] = []
    for (const item of batch) {
      acks.push(store.ack(item.id))
      await new Promise(resolve => setImmediate(resolve))
    }
    await acks[0]
    expect(ids()).toEqual([])
    await Promise.all(acks)
  })

  it('past 2 000 rows the log is checkpointed by a worker thread: rows reach the database file with no further commit', async () => {
    const { filename, store } = outbox()
    const size = () => statSync(filename).size
    const before = size()
    // 2 500 rows of ~1 KB: about 700 pages of log, under SQLite's own 1 000-page automatic checkpoint.
    const body = 'x'.repeat(1000)
    for (let at = 0; at < 2500; at += 250) {
      await Promise.all(Array.from({ length: 250 }, () => store.enqueue(storedDelivery({ body }), Date.now() + 60_000)))
    }
    await until(() => size() > before + 2_000_000, 'the log was not copied into the database file')
    expect(store.counts()).toEqual({ pending: 2500, dead: 0 })
  })

  it('a process that never closes its store still exits: the checkpoint thread does not hold it', async () => {
    const filename = join(tempDir(), 'outbox.db')
    const writer = child('sqlite-checkpoint-child', [filename, '3000'])
    await writer.line('written')
    await exited(writer.process)
    expect(writer.process.exitCode).toBe(0)
    const db = new Database(filename, { readonly: true })
    onCleanup(() => db.close())
    expect(db.prepare('SELECT count(*) AS n FROM web_hook_pending').get()).toEqual({ n: 3000 })
  })
})
