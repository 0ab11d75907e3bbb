/** Figure: heap bytes per queued delivery, 100 000 queued for an endpoint that is down; bounded by the limit. */
import { createServer } from 'node:net'
import { withWebHooks } from '../src/index.js'
import { collect, PARAMS, type Result, sleep } from './util.js'

const QUEUED = 100_000

/** A port where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise(resolve => server.close(resolve))
  return port
}

export async function memory(): Promise<Result> {
  const url = `http://127.0.0.1:${await closedPort()}/hook`
  const call = withWebHooks(async (_method: string, params: unknown) => params, {
    hooks: [{ method: 'vm.start', type: 'post', url }],
    queue: { maxSize: QUEUED, maxSizePerEndpoint: QUEUED },
    retry: { schedule: [600_000] },
  })
  // Open the breaker first, so the queue holds still.
  for (let index = 0; index < 20; index++) await call('vm.start', PARAMS)
  await sleep(200)
  collect()
  const before = process.memoryUsage().heapUsed
  for (let index = 0; index < QUEUED; index++) await call('vm.start', { ...PARAMS, index })
  await sleep(100)
  collect()
  const after = process.memoryUsage().heapUsed
  // Over the limit: dropped, not kept.
  for (let index = 0; index < 10_000; index++) await call('vm.start', PARAMS)
  await sleep(50)
  collect()
  const over = process.memoryUsage().heapUsed
  const stats = call.webHooks.stats()
  const perDelivery = (after - before) / QUEUED
  const body = JSON.stringify({ type: 'post', callId: 'x'.repeat(21), method: 'vm.start', params: PARAMS }).length
  await call.webHooks.close({ timeout: 0 })
  return {
    name: `memory, ${QUEUED} queued for a down endpoint`,
    figures: {
      'heap bytes/delivery': Math.round(perDelivery),
      'payload body, bytes (approx.)': body + 100,
      queued: stats.queued,
      'dropped over the limit': stats.dropped,
      'growth over the limit, bytes/extra call': Math.round((over - after) / 10_000),
    },
    bar: { text: 'bounded: queued ≤ maxSize', met: stats.queued <= QUEUED },
  }
}
