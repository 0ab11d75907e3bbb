import { writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { sqliteStore, WebHookStoreError } from '../../src/stores/sqlite/index.js'
import { child, exited, freePort, onCleanup, receiver, tempDir, uniqueIds, until, wrap } from './helpers.js'

const hook = (url: string) => ({ method: 'a', type: 'post' as const, url })

describe('sqliteStore', () => {
  it('writes a post hook before the call returns, and acks it once delivered', async () => {
    const server = await receiver()
    const store = sqliteStore({ filename: join(tempDir(), 'outbox.db') })
    const call = wrap({ hooks: [hook(server.url)], store })
    await call('a', { n: 1 })
    // The row is in the file when the call's promise settles (test/stores/sqlite-group-commit.test.ts reads it with a
    // second connection at that moment).
    expect(store.counts().pending).toBe(1)
    await server.waitFor(1)
    await until(() => store.counts().pending === 0, 'the ack')
    expect(server.requests[0]!.json).toMatchObject({ type: 'post', method: 'a' })
  })

  it('pending deliveries survive a restart: delivered once, with the same webhook-id', async () => {
    const port = await freePort()
    const filename = join(tempDir(), 'outbox.db')
    const config = (store: ReturnType<typeof sqliteStore>) => ({
      hooks: [hook(`http://127.0.0.1:${port}/hooks`)],
      store,
      retry: { schedule: [100, 100, 100, 100, 100, 100, 100, 100] },
      breaker: false as const,
    })
    const first = sqliteStore({ filename })
    const call = wrap(config(first))
    const failures: string[] = []
    call.webHooks.on('delivery:failed', event => failures.push(event.id))
    await call('a', { n: 1 })
    await call('a', { n: 2 })
    await until(() => failures.length >= 2, 'failed attempts to the receiver that is down')
    await call.webHooks.close({ timeout: 0 })
    const server = await receiver(undefined, { port })
    const second = sqliteStore({ filename })
    expect(second.counts().pending).toBe(2)
    wrap(config(second))
    await server.waitFor(2)
    await until(() => second.counts().pending === 0, 'the acks')
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(server.requests).toHaveLength(2)
    expect(uniqueIds(server)).toEqual(new Set(failures))
    expect(server.requests.map(request => request.json.params.n).sort()).toEqual([1, 2])
  })

  it('crash: a process killed with SIGKILL mid-delivery loses nothing; a deduping receiver sees each hook once', async () => {
    const port = await freePort()
    const filename = join(tempDir(), 'outbox.db')
    const url = `http://127.0.0.1:${port}/hooks`
    const count = 20
    const first = child('sqlite-child', [filename, url, String(count)])
    await first.line(`enqueued ${count}`)
    // The receiver is down: every delivery is between attempts or in one when the process dies.
    await new Promise(resolve => setTimeout(resolve, 150))
    first.process.kill('SIGKILL')
    await exited(first.process)
    const server = await receiver(undefined, { port })
    const second = child('sqlite-child', [filename, url, '0'])
    await until(() => uniqueIds(server).size === count, `${count} distinct hooks`, 15_000)
    // A reader next to the running child (WAL): every delivery is acked, none dead.
    const store = sqliteStore({ filename })
    onCleanup(() => store.close())
    await until(() => store.counts().pending === 0, 'the acks')
    expect(store.counts()).toEqual({ pending: 0, dead: 0 })
    second.process.kill('SIGKILL')
    await exited(second.process)
    const numbers = server.requests.map(request => request.json.params.i as number)
    expect(new Set(numbers)).toEqual(new Set(Array.from({ length: count }, (_, i) => i)))
  })

  it('a restarted process leases a backlog as fast as the endpoint takes it, not 256 a second', async () => {
    const port = await freePort()
    const filename = join(tempDir(), 'outbox.db')
    const url = `http://127.0.0.1:${port}/hooks`
    const count = 8000
    // A process that accepted `count` hooks while its receiver was down, killed: they all wait in the file.
    const first = child('sqlite-child', [filename, url, String(count)])
    await first.line(`enqueued ${count}`, 25_000)
    first.process.kill('SIGKILL')
    await exited(first.process)
    const server = await receiver(undefined, { port })
    const restarted = Date.now()
    const store = sqliteStore({ filename })
    wrap({ hooks: [hook(url)], store, breaker: false })
    // Bounded wait, not a speed assertion: leasing 256 a second took 31 s for these 8000 (39 s for 10 000).
    await until(() => uniqueIds(server).size === count, `${count} distinct hooks`, 25_000)
    const seconds = (Date.now() - restarted) / 1000
    console.info(`sqlite restart: ${count} deliveries from the file in ${seconds} s (${Math.round(count / seconds)}/s)`)
    await until(() => store.counts().pending === 0, 'the acks')
    expect(store.counts()).toEqual({ pending: 0, dead: 0 })
  }, 60_000)

  it('deliveries spilled over the queue bounds come back as fast as the endpoint takes them', async () => {
    const server = await receiver()
    const store = sqliteStore({ filename: join(tempDir(), 'outbox.db') })
    const call = wrap({ hooks: [hook(server.url)], store, queue: { maxSize: 100 } })
    const count = 3000
    const started = Date.now()
    for (let n = 0; n < count; n++) await call('a', { n })
    // Bounded wait, not a speed assertion: leased back at most `maxSize` a second, these took 30 s.
    await until(() => uniqueIds(server).size === count, `${count} distinct hooks`, 20_000)
    const seconds = (Date.now() - started) / 1000
    console.info(`sqlite spill: ${count} hooks through maxSize 100 in ${seconds} s (${Math.round(count / seconds)}/s)`)
    expect(Object.values(call.webHooks.stats().endpoints)[0]!.spilled).toBeGreaterThan(0)
    await until(() => store.counts().pending === 0, 'the acks')
  }, 30_000)

  it('crash with requests in flight: they are sent again after the restart, same webhook-id, none lost', async () => {
    const server = await receiver(() => ({ delay: 300 }))
    const filename = join(tempDir(), 'outbox.db')
    const count = 20
    const first = child('sqlite-child', [filename, `${server.url}/hooks`, String(count)])
    await first.line(`enqueued ${count}`)
    await server.waitFor(8)
    first.process.kill('SIGKILL')
    await exited(first.process)
    const before = server.requests.length
    server.respond(() => ({}))
    child('sqlite-child', [filename, `${server.url}/hooks`, '0'])
    await until(() => uniqueIds(server).size === count, `${count} distinct hooks`, 15_000)
    const store = sqliteStore({ filename })
    onCleanup(() => store.close())
    await until(() => store.counts().pending === 0, 'the acks')
    // The requests in flight at the kill were never acknowledged to the dead process: sent again, same id.
    const again = server.requests.slice(before).map(request => request.headers['webhook-id'])
    const earlier = server.requests.slice(0, before).map(request => request.headers['webhook-id'])
    expect(again.filter(id => earlier.includes(id)).length).toBeGreaterThan(0)
    expect(server.requests.length).toBeGreaterThan(count)
  })

  it('over the queue bounds, deliveries wait in the file instead of being dropped: each arrives once, pre first', async () => {
    const server = await receiver(() => ({ delay: 20 }))
    const store = sqliteStore({ filename: join(tempDir(), 'outbox.db') })
    const call = wrap({
      hooks: [{ method: 'a', type: 'pre/post', url: server.url, concurrency: 1 }],
      store,
      queue: { maxSize: 3 },
    })
    const dropped: string[] = []
    call.webHooks.on('delivery:dropped', event => void dropped.push(event.delivery.id))
    // No request starts before these calls return (requests start on a later turn of the event loop).
    for (let n = 0; n < 6; n++) await call('a', { n })
    expect(store.counts().pending).toBe(12)
    const stats = Object.values(call.webHooks.stats().endpoints)[0]!
    expect(stats.queued).toBeLessThanOrEqual(3)
    expect(stats.spilled).toBe(9)
    await until(() => store.counts().pending === 0, 'every hook delivered and acked', 15_000)
    // Once the file has nothing due (the next lease finds it empty), new calls go straight to memory again.
    const spilled = () => Object.values(call.webHooks.stats().endpoints)[0]!.spilled
    let calls = 6
    for (let tries = 0; tries < 10; tries++) {
      await new Promise(resolve => setTimeout(resolve, 1100))
      const before = spilled()
      await call('a', { n: calls++ })
      if (spilled() === before) break
    }
    expect(spilled()).toBeLessThan(9 + 2 * (calls - 6))
    await until(() => store.counts().pending === 0, 'the last calls delivered', 15_000)
    expect(dropped).toEqual([])
    expect(server.requests).toHaveLength(2 * calls)
    expect(uniqueIds(server).size).toBe(2 * calls)
    const order = server.requests.map(request => `${request.json.type} ${request.json.params.n}`)
    for (let n = 0; n < calls; n++) expect(order.indexOf(`pre ${n}`)).toBeLessThan(order.indexOf(`post ${n}`))
  })

  it('lease: leases of live processes are kept, those of dead ones (or an earlier run with this pid) are taken', async () => {
    const filename = join(tempDir(), 'outbox.db')
    const store = sqliteStore({ filename })
    onCleanup(() => store.close())
    const now = Date.now()
    const base = { endpoint: 'http://127.0.0.1:9/', url: 'http://127.0.0.1:9/', type: 'post' as const, method: 'a' }
    const item = (id: string) => ({ ...base, id, callId: id, body: '{}', createdAt: now, attempts: 1, notBefore: 0 })
    await Promise.all(['live', 'dead', 'earlier', 'expired', 'free'].map(id => store.enqueue(item(id), now + 60_000)))
    const db = new Database(filename)
    const own = (id: string, owner: string | null, leaseUntil: number | null) =>
      db.prepare('UPDATE web_hook_pending SET owner = ?, leaseUntil = ? WHERE id = ?').run(owner, leaseUntil, id)
    own('live', `${hostname()} ${process.ppid} 0 x`, now + 60_000)
    own('dead', `${hostname()} 2147483646 0 x`, now + 60_000)
    own('earlier', `${hostname()} ${process.pid} 12345 x`, now + 60_000)
    own('expired', `other-host 1 0 x`, now - 1)
    own('free', null, null)
    db.close()
    const leased = store.lease({ limit: 10, leaseMs: 1000, now }).map(delivery => delivery.id)
    expect(leased.sort()).toEqual(['dead', 'earlier', 'expired', 'free'])
    expect(store.lease({ limit: 10, leaseMs: 1000, now })).toEqual([])
  })

  it('dead letters are listed and replayed (API), and replayed offline for the next engine', async () => {
    const server = await receiver(() => ({ status: 400 }))
    const filename = join(tempDir(), 'outbox.db')
    const store = sqliteStore({ filename })
    const call = wrap({ hooks: [hook(server.url)], store })
    await call('a', { n: 1 })
    await call('a', { n: 2 })
    await until(() => store.listDeadLetters().length === 2, 'two dead letters')
    const [letter] = store.listDeadLetters()
    expect(letter).toMatchObject({ type: 'post', code: 'ERR_WEB_HOOK_DELIVERY_STATUS', status: 400, attempts: 1 })
    expect(store.counts()).toEqual({ pending: 0, dead: 2 })
    server.respond(() => ({}))
    expect(await call.webHooks.replay([letter!.id])).toBe(1)
    await server.waitFor(3)
    expect(server.requests[2]!.headers['webhook-id']).toBe(letter!.id)
    await until(() => store.counts().pending === 0, 'the ack of the replayed letter')
    expect(store.counts().dead).toBe(1)
    await call.webHooks.close({ timeout: 0 })

    const offline = sqliteStore({ filename })
    expect(offline.replayDeadLetters()).toHaveLength(1)
    expect(offline.counts()).toEqual({ pending: 1, dead: 0 })
    offline.close()
    const next = sqliteStore({ filename })
    wrap({ hooks: [hook(server.url)], store: next })
    await server.waitFor(4)
    await until(() => next.counts().pending === 0, 'the ack of the offline replay')
  })

  it('a waited (waitForResponse) hook is written before its request', async () => {
    const store = sqliteStore({ filename: join(tempDir(), 'outbox.db') })
    let pendingWhenReceived = -1
    const server = await receiver(() => {
      pendingWhenReceived = store.counts().pending
      return {}
    })
    const call = wrap({ hooks: [{ method: 'a', type: 'pre', url: server.url, waitForResponse: true }], store })
    await call('a', {})
    expect(pendingWhenReceived).toBe(1)
    await until(() => store.counts().pending === 0, 'the ack')
  })

  it('a bad filename or option is a clear WebHookStoreError', () => {
    const dir = tempDir()
    expect(() => sqliteStore({ filename: join(dir, 'missing', 'dir', 'outbox.db') })).toThrow(WebHookStoreError)
    expect(() => sqliteStore({ filename: join(dir, 'missing', 'outbox.db') })).toThrow(
      /Cannot open the web hook outbox .*missing.*check that the directory exists/
    )
    const notSqlite = join(dir, 'text.db')
    writeFileSync(notSqlite, 'this is not a database, just a text file that is long enough to be read as a header')
    expect(() => sqliteStore({ filename: notSqlite })).toThrow(
      expect.objectContaining({ code: 'ERR_WEB_HOOK_STORE_OPEN', name: 'WebHookStoreError' })
    )
    expect(() => sqliteStore({ filename: '' })).toThrow(expect.objectContaining({ code: 'ERR_WEB_HOOK_STORE_OPTIONS' }))
    // @ts-expect-error: filename is required
    expect(() => sqliteStore({})).toThrow(/needs a file path/)
    // @ts-expect-error: not a synchronous mode
    expect(() => sqliteStore({ filename: ':memory:', synchronous: 'off' })).toThrow(/'normal' or 'full'/)
    // Item 12.10: a misspelt option names the one meant; item 12.9: a duration over Node's timer limit.
    expect(() => sqliteStore({ filename: ':memory:', busytimeout: 5 } as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_WEB_HOOK_STORE_OPTIONS',
        message: expect.stringContaining('did you mean `busyTimeout`?'),
      })
    )
    expect(() => sqliteStore({ filename: ':memory:', busyTimeout: 2 ** 31 })).toThrow(/busyTimeout.*2147483647/)
    const working = sqliteStore({ filename: ':memory:', busyTimeout: 1000 })
    expect(working.counts()).toEqual({ pending: 0, dead: 0 })
    working.close()
    const closed = sqliteStore({ filename: ':memory:' })
    closed.close()
    expect(() => closed.listDeadLetters()).toThrow(expect.objectContaining({ code: 'ERR_WEB_HOOK_STORE_CLOSED' }))
  })
})
