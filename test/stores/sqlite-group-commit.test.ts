/**
 * SQLite group commit (issue 16, item 1): the writes made together go in one transaction, and the guarantee stays
 * word for word: a post hook is in the file when the call's promise settles, a pre hook before the call runs, a
 * waited hook before its request. "In the file" is read with a second better-sqlite3 connection, as another process
 * (or the next one after a crash) would see it.
 */
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { withWebHooks } from '../../src/index.js'
import { sqliteStore } from '../../src/stores/sqlite/index.js'
import { child, exited, freePort, onCleanup, receiver, storedDelivery, tempDir, until, wrap } from './helpers.js'

/** A second connection to the outbox: counts the committed rows. */
function reader(filename: string) {
  const db = new Database(filename, { readonly: true })
  onCleanup(() => db.close())
  const pending = db.prepare('SELECT count(*) AS n FROM web_hook_pending')
  const types = db.prepare('SELECT type FROM web_hook_pending ORDER BY createdAt')
  const byId = db.prepare('SELECT id FROM web_hook_pending WHERE id = ?')
  return {
    pending: () => (pending.get() as { n: number }).n,
    has: (id: string) => byId.get(id) !== undefined,
    types: () => (types.all() as Array<{ type: string }>).map(row => row.type),
  }
}

/** A store on a new file, with its reader (opened after the store has created the tables). */
function outbox(options: { busyTimeout?: number } = {}) {
  const filename = join(tempDir(), 'outbox.db')
  const store = sqliteStore({ filename, ...options })
  onCleanup(() => store.close())
  return { filename, store, file: reader(filename) }
}

/** A logger that keeps the errors it is given. */
function errorLog() {
  const errors: Array<{ code?: string; message: string }> = []
  const logger = {
    warn() {},
    error(_message: string, context?: object) {
      errors.push((context as { error: { code?: string; message: string } }).error)
    },
  }
  return { errors, logger }
}

describe('sqliteStore group commit', () => {
  it('a post hook is in the file at the moment the call settles, alone or with 50 calls settling together', async () => {
    const server = await receiver()
    const { store, file } = outbox()
    // The hooks are not acked before the reads below: the receiver holds its answers until released.
    let release!: () => void
    const held = new Promise<void>(resolve => {
      release = resolve
    })
    server.respond(async () => {
      await held
      return {}
    })
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url: server.url }], store })
    const seen: number[] = []
    await call('a', {}).then(() => seen.push(file.pending()))
    await Promise.all(Array.from({ length: 50 }, () => call('a', {}).then(() => seen.push(file.pending()))))
    expect(seen[0]).toBe(1)
    // Each of the 50 saw its own row (and, sharing one commit, all of them).
    expect(seen.slice(1)).toEqual(Array.from({ length: 50 }, () => 51))
    release()
    await server.waitFor(51)
    await until(() => file.pending() === 0, 'the acks, folded into later commits')
  })

  it('a pre hook is in the file before the call runs; a waited hook before its request', async () => {
    const { store, file } = outbox()
    let atRequest: boolean | undefined
    const server = await receiver(request => {
      if (request.json.method === 'b') atRequest = file.has(String(request.headers['webhook-id']))
      return {}
    })
    let atCall: string[] = []
    const call = withWebHooks(
      async (method: string, _params: unknown) => {
        if (method === 'a') atCall = file.types()
      },
      {
        hooks: [
          { method: 'a', type: 'pre', url: server.url },
          { method: 'b', type: 'pre', url: server.url, waitForResponse: true },
        ],
        store,
      }
    )
    onCleanup(() => call.webHooks.close({ timeout: 0 }))
    await call('a', {})
    expect(atCall).toEqual(['pre'])
    await call('b', {})
    expect(atRequest).toBe(true)
    await server.waitFor(2)
  })

  it('writes made together share one commit; acks are folded into a later one, and close() commits them', async () => {
    const { filename, store, file } = outbox()
    const first = storedDelivery()
    const second = storedDelivery()
    const [a, b] = [store.enqueue(first, Date.now() + 60_000), store.enqueue(second, Date.now() + 60_000)]
    expect(a).toBe(b)
    expect(file.pending()).toBe(0)
    await a
    expect(file.pending()).toBe(2)
    const acked = store.ack(first.id)
    expect(file.pending()).toBe(2)
    await acked
    expect(file.pending()).toBe(1)
    void store.ack(second.id)
    store.close()
    expect(reader(filename).pending()).toBe(0)
  })

  it('a failed commit rolls back the whole batch, every caller gets ERR_WEB_HOOK_STORE_WRITE, the next batch is written', async () => {
    const { filename, store, file } = outbox()
    // A trigger refuses one body: a batch with it fails halfway through its writes.
    const admin = new Database(filename)
    onCleanup(() => admin.close())
    admin.exec(`CREATE TRIGGER refuse BEFORE INSERT ON web_hook_pending WHEN NEW.body = 'poison'
      BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`)
    const writes = [
      storedDelivery({ body: '{"n":1}' }),
      storedDelivery({ body: 'poison' }),
      storedDelivery({ body: '{"n":3}' }),
    ].map(item => store.enqueue(item, Date.now() + 60_000))
    const results = await Promise.allSettled(writes)
    for (const result of results) {
      expect(result).toMatchObject({
        status: 'rejected',
        reason: {
          name: 'WebHookStoreError',
          code: 'ERR_WEB_HOOK_STORE_WRITE',
          message: expect.stringMatching(/3 write\(s\) was rolled back \(refused by the test\).*disk has room/),
        },
      })
    }
    expect(file.pending()).toBe(0)
    admin.exec('DROP TRIGGER refuse')
    await store.enqueue(storedDelivery(), Date.now() + 60_000)
    expect(file.pending()).toBe(1)
    expect(store.counts()).toEqual({ pending: 1, dead: 0 })
  })

  it('the database held by another process: each call of the batch is reported, delivered from memory, nothing else lost', async () => {
    const server = await receiver()
    const { filename, store, file } = outbox({ busyTimeout: 0 })
    const { errors, logger } = errorLog()
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url: server.url }], store, logger })
    const other = new Database(filename)
    onCleanup(() => other.close())
    other.exec('BEGIN IMMEDIATE')
    await Promise.all(Array.from({ length: 5 }, (_, n) => call('a', { n })))
    // Reported by the time the calls have settled: one error for each write of the failed batch.
    expect(errors).toHaveLength(5)
    expect(errors.every(error => error.code === 'ERR_WEB_HOOK_STORE_WRITE')).toBe(true)
    // The calls settled normally (hooks never change a call's result) and their hooks go out from memory.
    await server.waitFor(5)
    other.exec('COMMIT')
    await until(() => errors.length >= 5 && file.pending() === 0, 'nothing written for the failed batch')
    await call('a', { n: 5 })
    expect(file.pending()).toBe(1)
    await server.waitFor(6)
    expect(server.requests.map(request => request.json.params.n).sort()).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('crash: a process killed with SIGKILL right after its calls settle; the next store on the file delivers them', async () => {
    const port = await freePort()
    const filename = join(tempDir(), 'outbox.db')
    const url = `http://127.0.0.1:${port}/hooks`
    const count = 40
    const first = child('sqlite-settle-child', [filename, url, String(count)])
    await exited(first.process)
    expect(first.process.signalCode).toBe('SIGKILL')
    expect(reader(filename).pending()).toBe(count)
    const server = await receiver(undefined, { port })
    const store = sqliteStore({ filename })
    wrap({ hooks: [{ method: 'a', type: 'post', url }], store })
    await server.waitFor(count)
    const numbers = server.requests.map(request => request.json.params.i as number)
    expect(new Set(numbers)).toEqual(new Set(Array.from({ length: count }, (_, i) => i)))
  })
})
