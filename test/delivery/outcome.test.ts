/**
 * One table of receiver answers run through every store (memory, SQLite, BullMQ on a real redis-server): what an
 * attempt's answer means is decided in one place (src/delivery/outcome.ts), so the events that follow are the same
 * whichever store runs the delivery.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { WebHookStore, WebHooksConfig } from '../../src/index.js'
import { bullmqStore } from '../../src/stores/bullmq/index.js'
import { sqliteStore } from '../../src/stores/sqlite/index.js'
import type { Reply } from '../helpers/receiver.js'
import { onCleanup, receiver, tempDir, until, wrap } from '../stores/helpers.js'
import { hasRedis, NO_REDIS_MESSAGE, useTestRedis } from '../stores/redis.js'

const redis = useTestRedis()
let queues = 0

const stores: Array<[string, (() => WebHookStore | undefined) | undefined]> = [
  ['memory', () => undefined],
  ['sqlite', () => sqliteStore({ filename: join(tempDir(), 'outbox.db') })],
  [
    hasRedis ? 'bullmq' : `bullmq (skipped: ${NO_REDIS_MESSAGE})`,
    hasRedis
      ? () =>
          bullmqStore({
            connection: { host: '127.0.0.1', port: redis()!.port },
            queueName: `outcome-${process.pid}-${++queues}`,
          })
      : undefined,
  ],
]

type Row = [name: string, reply: Reply, events: string[]]
const retried = ['failed:1', 'failed:0', 'given-up']
const table: Row[] = [
  ['200', { status: 200 }, ['succeeded:200']],
  ['204', { status: 204 }, ['succeeded:204']],
  ['302 (a failure, not retried)', { status: 302, headers: { location: '/elsewhere' } }, ['failed:0', 'given-up']],
  ['400', { status: 400 }, ['failed:0', 'given-up']],
  ['408', { status: 408 }, retried],
  ['410 (the endpoint is gone)', { status: 410 }, ['failed:0', 'given-up', 'gone']],
  ['429', { status: 429 }, retried],
  ['429 with Retry-After: 1', { status: 429, headers: { 'retry-after': '1' } }, retried],
  ['500', { status: 500 }, retried],
  ['503', { status: 503 }, retried],
  ['connection reset', { reset: true }, retried],
  ['timeout', { delay: 2_000 }, retried],
]

describe.each(stores)('attempt outcomes with the %s store', (_name, makeStore) => {
  it.skipIf(makeStore === undefined).each(table)('%s', async (_row, reply, expected) => {
    const server = await receiver(() => reply)
    const events: string[] = []
    const store = makeStore!()
    if (store !== undefined) onCleanup(() => store.close?.())
    const config: WebHooksConfig = {
      hooks: [{ method: 'a', type: 'post', url: `${server.url}/hook`, timeout: 300 }],
      retry: { schedule: [20] },
      breaker: false,
      ...(store === undefined ? {} : { store }),
      on: {
        'delivery:succeeded': e => events.push(`succeeded:${e.status}`),
        'delivery:failed': e => events.push(`failed:${e.attemptsLeft}`),
        'delivery:given-up': () => events.push('given-up'),
        'endpoint:gone': () => events.push('gone'),
      },
    }
    const call = wrap(config)
    await call('a', {})
    await until(() => events.length >= expected.length, `events ${expected.join(', ')}`, 8_000)
    // Nothing more follows (a retry the table does not expect would show up here).
    await new Promise(resolve => setTimeout(resolve, 100))
    expect(events).toEqual(expected)
    expect(server.requests.length).toBe(
      expected.filter(e => e.startsWith('failed') || e.startsWith('succeeded')).length
    )
  })
})
