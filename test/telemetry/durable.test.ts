/**
 * Issue 14: a durable store keeps the call's trace context with the delivery, so an attempt made after a restart, by
 * another engine, still lands in the call's trace (SQLite and BullMQ, one table). Files made before telemetry (no
 * traceparent column) are migrated and still deliver.
 */
import { join } from 'node:path'
import { SpanKind } from '@opentelemetry/api'
import Database from 'better-sqlite3'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { WebHookStore } from '../../src/index.js'
import { bullmqStore } from '../../src/stores/bullmq/index.js'
import { sqliteStore } from '../../src/stores/sqlite/index.js'
import { freePort, onCleanup, receiver, tempDir, until, wrap } from '../stores/helpers.js'
import { hasRedis, startRedis, type TestRedis } from '../stores/redis.js'
import { registerContext, type Sdk, startSdk } from './setup.js'

let sdk: Sdk
let redis: TestRedis | undefined
beforeAll(async () => {
  registerContext()
  if (hasRedis) redis = await startRedis()
})
afterAll(async () => {
  await redis?.stop()
})
afterEach(async () => {
  await sdk?.shutdown()
})

type Stores = () => () => WebHookStore
const kinds: Array<[string, Stores]> = [
  [
    'sqlite',
    () => {
      const filename = join(tempDir(), 'outbox.db')
      return () => {
        const store = sqliteStore({ filename })
        onCleanup(() => store.close())
        return store
      }
    },
  ],
]
if (hasRedis) {
  kinds.push([
    'bullmq',
    () => {
      const queueName = `telemetry-${process.pid}-${Date.now()}`
      return () => {
        const store = bullmqStore({ connection: { host: '127.0.0.1', port: redis!.port }, queueName })
        onCleanup(() => store.close())
        return store
      }
    },
  ])
}

describe('durable stores keep the trace context (issue 14)', () => {
  it.each(kinds)('%s: a retry after a restart lands in the call trace', async (_kind, stores) => {
    sdk = startSdk()
    const port = await freePort()
    const url = `http://127.0.0.1:${port}/hooks`
    const open = stores()
    const config = (store: WebHookStore) => ({
      hooks: [{ method: 'a', type: 'post' as const, url }],
      store,
      retry: { schedule: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200] },
      breaker: false as const,
    })
    // The receiver is down while the first engine runs.
    const first = wrap(config(open()))
    let failed = 0
    first.webHooks.on('delivery:failed', () => failed++)
    const tracer = sdk.tracerProvider.getTracer('test')
    const call = await tracer.startActiveSpan('api a', async span => {
      await first('a', { n: 1 })
      span.end()
      return span.spanContext()
    })
    await until(() => failed >= 1, 'a failed attempt')
    await first.webHooks.close({ timeout: 0 })

    const server = await receiver(undefined, { port })
    wrap(config(open()))
    const [request] = await server.waitFor(1)
    expect(request!.headers.traceparent).toMatch(new RegExp(`^00-${call.traceId}-[0-9a-f]{16}-01$`))
    await until(() => sdk.finished().some(span => span.attributes['http.response.status_code'] === 200), 'the span')
    const attempts = sdk.finished().filter(span => span.kind === SpanKind.CLIENT)
    expect(attempts.length).toBeGreaterThanOrEqual(2)
    for (const span of attempts) {
      expect(span.spanContext().traceId).toBe(call.traceId)
      expect(span.parentSpanContext?.spanId).toBe(call.spanId)
    }
    const delivered = attempts.find(span => span.attributes['http.response.status_code'] === 200)!
    expect(delivered.attributes['webhook.attempt']).toBeGreaterThanOrEqual(2)
  })

  it('sqlite: a file made before telemetry gains the column and its deliveries go out without a trace context', async () => {
    sdk = startSdk()
    const filename = join(tempDir(), 'old.db')
    const server = await receiver()
    const db = new Database(filename)
    const columns = `id TEXT PRIMARY KEY, endpoint TEXT NOT NULL, url TEXT NOT NULL, type TEXT NOT NULL,
      method TEXT NOT NULL, callId TEXT NOT NULL, body TEXT NOT NULL, createdAt INTEGER NOT NULL,
      attempts INTEGER NOT NULL, notBefore INTEGER NOT NULL`
    db.exec(`CREATE TABLE web_hook_pending (${columns}, leaseUntil INTEGER, owner TEXT);
      CREATE TABLE web_hook_dead_letters (${columns}, failedAt INTEGER NOT NULL, code TEXT NOT NULL,
        message TEXT NOT NULL, status INTEGER);`)
    const endpoint = `${server.url}/`
    db.prepare(
      `INSERT INTO web_hook_pending VALUES ('msg_old', ?, ?, 'post', 'a', 'call1', '{"type":"post"}', ?, 1, 0, NULL, NULL)`
    ).run(endpoint, endpoint, Date.now())
    db.close()
    const store = sqliteStore({ filename })
    onCleanup(() => store.close())
    wrap({ hooks: [{ method: 'a', type: 'post', url: endpoint }], store })
    const [request] = await server.waitFor(1)
    expect(request!.headers['webhook-id']).toBe('msg_old')
    await until(() => store.counts().pending === 0, 'the ack')
    const columnsNow = new Database(filename, { readonly: true })
      .prepare('PRAGMA table_info(web_hook_dead_letters)')
      .all() as Array<{ name: string }>
    expect(columnsNow.map(column => column.name)).toContain('traceparent')
  })
})
