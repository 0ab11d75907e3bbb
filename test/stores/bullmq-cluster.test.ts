/**
 * The BullMQ store on a real Redis Cluster (issue 16, item 4): 3 masters and 3 replicas on loopback, started by the
 * test; a master killed with SIGKILL mid-run, its replica promoted, nothing lost that Redis had acknowledged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bullmqStore } from '../../src/stores/bullmq/index.js'
import { expectPreBeforePost, onCleanup, receiver, until, wrap } from './helpers.js'
import { NO_REDIS_MESSAGE } from './redis.js'
import { hasRedisCluster, startCluster, type TestCluster } from './redis-cluster.js'

if (!hasRedisCluster) console.warn(`${NO_REDIS_MESSAGE} (the Redis Cluster tests need redis-cli too)`)

let cluster: TestCluster | undefined

beforeAll(async () => {
  if (hasRedisCluster) cluster = await startCluster()
}, 30_000)
afterAll(async () => {
  await cluster?.stop()
})

const hooks = (url: string) => [
  { method: 'a', type: 'pre' as const, url },
  { method: 'a', type: 'post' as const, url },
]

describe.skipIf(!hasRedisCluster)(
  `bullmqStore on a Redis Cluster (6 real redis-server, 3 masters)${hasRedisCluster ? '' : ` — ${NO_REDIS_MESSAGE}`}`,
  () => {
    it('delivers; a master killed mid-run: its replica takes over, nothing acknowledged is lost, deliveries resume', async () => {
      let refusing = false
      const answered = new Set<number>()
      const server = await receiver((_request, index) => {
        if (refusing) return { status: 503 }
        answered.add(index)
        return {}
      })
      const store = bullmqStore({
        cluster: { nodes: cluster!.nodes.slice(0, 2) },
        queueName: `cluster-${process.pid}`,
        lockDuration: 1000,
        stalledInterval: 1000,
      })
      onCleanup(() => store.close())
      // Every key of the queue in one slot, as BullMQ's scripts need: the default prefix is a hash tag.
      expect(store.queue.opts.prefix).toBe('{bull}')
      const call = wrap({ hooks: hooks(server.url), store, retry: { schedule: Array(100).fill(100) }, breaker: false })
      const ok = () => new Set(server.requests.filter((_, i) => answered.has(i)).map(r => r.headers['webhook-id']))
      for (let n = 0; n < 20; n++) await call('a', { n })
      await until(() => ok().size === 40, 'the 40 hooks before the kill', 15_000)
      // Jobs waiting in Redis at the kill: the receiver refuses them for now (retried by BullMQ, delayed).
      refusing = true
      for (let n = 20; n < 40; n++) await call('a', { n })
      const inRedis = async () => Object.values(await store.queue.getJobCounts()).reduce((a, b) => a + b, 0)
      await until(async () => (await inRedis()) === 40, 'the 40 hooks in Redis')
      const killed = await cluster!.killMasterOf('{bull}')
      const killedAt = Date.now()
      refusing = false
      // Calls during the failover: their hooks wait in the process until the new master answers.
      for (let n = 40; n < 60; n++) await call('a', { n })
      await until(() => ok().size === 120, 'all 120 hooks after the failover', 60_000)
      console.info(
        `bullmq cluster: master :${killed} killed, all 120 hooks delivered ${Date.now() - killedAt} ms after`
      )
      expectPreBeforePost(server.requests, index => answered.has(index))
    }, 90_000)
  }
)

describe('bullmqStore cluster and sentinel options', () => {
  const nodes = [{ host: '127.0.0.1', port: 1 }]

  it('a prefix without a hash tag on a cluster is a clear error; one with a hash tag is taken', () => {
    expect(() => bullmqStore({ cluster: { nodes }, prefix: 'jobs' })).toThrow(
      expect.objectContaining({
        code: 'ERR_WEB_HOOK_STORE_OPTIONS',
        message: expect.stringContaining('must contain a hash tag on a Redis Cluster, such as "{jobs}"'),
      })
    )
    expect(() => bullmqStore({ cluster: { nodes }, prefix: 'a{}b' })).toThrow(/hash tag/)
    const valid = bullmqStore({
      cluster: { nodes, options: { lazyConnect: true } },
      prefix: 'app{jobs}',
      worker: false,
    })
    onCleanup(() => valid.close())
    expect(valid.queue.opts.prefix).toBe('app{jobs}')
  })

  it('bad cluster and sentinel options are clear WebHookStoreErrors', () => {
    const connection = { host: '127.0.0.1', port: 1 }
    const code = 'ERR_WEB_HOOK_STORE_OPTIONS'
    expect(() => bullmqStore({ connection, cluster: { nodes } } as never)).toThrow(
      expect.objectContaining({ code, message: expect.stringContaining('not both') })
    )
    expect(() => bullmqStore({ cluster: { nodes: [] } })).toThrow(/cluster.*nodes: \[\{ host, port \}/)
    expect(() => bullmqStore({ cluster: { nodes: [null as never] } })).toThrow(/cluster\.nodes\[0\].*got null/)
    expect(() => bullmqStore({ cluster: { nodes, options: 3 as never } })).toThrow(/cluster\.options.*got a number/)
    expect(() => bullmqStore({ connection: { sentinels: [] } })).toThrow(/connection\.sentinels.*non-empty/)
    expect(() => bullmqStore({ connection: { sentinels: [{ host: '127.0.0.1', port: 1 }] } })).toThrow(
      expect.objectContaining({ code, message: expect.stringMatching(/connection\.name.*mymaster/) })
    )
  })
})
