/**
 * The BullMQ store behind Redis Sentinel (issue 16, item 4): a real master, replica and sentinel on loopback; the
 * master killed with SIGKILL mid-run, the replica promoted by the sentinel, deliveries resume, nothing lost that the
 * replica had.
 */
import { afterAll, beforeAll, describe, it } from 'vitest'
import { bullmqStore } from '../../src/stores/bullmq/index.js'
import { expectPreBeforePost, onCleanup, receiver, uniqueIds, until, wrap } from './helpers.js'
import { NO_REDIS_MESSAGE } from './redis.js'
import { hasRedisCluster as hasRedisTools } from './redis-cluster.js'
import { startSentinel, type TestSentinel } from './redis-sentinel.js'

if (!hasRedisTools) console.warn(`${NO_REDIS_MESSAGE} (the Sentinel test needs redis-cli too)`)

let setup: TestSentinel | undefined

beforeAll(async () => {
  if (hasRedisTools) setup = await startSentinel()
}, 30_000)
afterAll(async () => {
  await setup?.stop()
})

describe.skipIf(!hasRedisTools)(
  `bullmqStore behind Redis Sentinel${hasRedisTools ? '' : ` — ${NO_REDIS_MESSAGE}`}`,
  () => {
    it('the master killed: the sentinel promotes the replica, ioredis follows, every hook is delivered', async () => {
      const server = await receiver()
      const store = bullmqStore({
        connection: { sentinels: [setup!.sentinel], name: setup!.name },
        lockDuration: 1000,
        stalledInterval: 1000,
      })
      onCleanup(() => store.close())
      const hooks = ['pre', 'post'].map(type => ({ method: 'a', type: type as 'pre' | 'post', url: server.url }))
      const call = wrap({ hooks, store, breaker: false })
      for (let n = 0; n < 20; n++) await call('a', { n })
      await until(() => uniqueIds(server).size === 40, 'the 40 hooks before the kill', 15_000)
      await setup!.killMaster()
      const killedAt = Date.now()
      for (let n = 20; n < 40; n++) await call('a', { n })
      await until(() => uniqueIds(server).size === 80, 'all 80 hooks after the failover', 40_000)
      console.info(`bullmq sentinel: master killed, all 80 hooks delivered ${Date.now() - killedAt} ms after`)
      expectPreBeforePost(server.requests, () => true)
    }, 60_000)
  }
)
