/**
 * Several worker processes on one Redis (issue 16, item 3): a queue of `JOBS` deliveries is filled (paused) by this
 * process with a BullMQ store (`worker: false`), then 1, 2 and 3 worker processes (real child processes) drain it to a
 * loopback receiver. Reports total deliveries/s for each, the CPU per delivery of each worker process
 * (`process.cpuUsage` in the child) and of redis-server (`INFO cpu`, filling and draining), and Redis memory per queued delivery (`INFO memory`
 * before and after the queue was filled). `npm run bench -- scaling`.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { withWebHooks } from '../src/index.js'
import { bullmqStore } from '../src/stores/bullmq/index.js'
import { hasRedis, startRedis } from '../test/stores/redis.js'
import { childReceiver, now, PARAMS, type Result, sleep } from './util.js'

const JOBS = 6000
const FIXTURE = fileURLToPath(new URL('../test/stores/fixtures/bullmq-process.ts', import.meta.url))

interface Worker {
  proc: ChildProcess
  line(text: string): Promise<string>
}

function worker(port: number, queueName: string, url: string): Worker {
  const proc = spawn(process.execPath, ['--import', 'tsx', FIXTURE, String(port), queueName, url, '0', 'w', '1'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  proc.stdout!.on('data', chunk => {
    out += String(chunk)
  })
  const line = async (text: string) => {
    for (;;) {
      const found = out.split('\n').find(l => l.startsWith(text))
      if (found !== undefined) return found
      if (proc.exitCode !== null) throw new Error(`worker exited (${proc.exitCode}):\n${out}`)
      await sleep(10)
    }
  }
  return { proc, line }
}

interface Info {
  info(section: string): Promise<string>
}

function field(info: string, name: string): number {
  return Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN)
}

async function redisCpu(client: Info): Promise<number> {
  const info = await client.info('cpu')
  return (field(info, 'used_cpu_user') + field(info, 'used_cpu_sys')) * 1e6
}

/** One run: fill the queue (paused), start `count` workers, resume, time until it is empty. */
async function run(port: number, url: string, count: number, figures: Record<string, string | number>) {
  const queueName = `scaling-${count}`
  const store = bullmqStore({ connection: { host: '127.0.0.1', port }, queueName, worker: false })
  const { queue } = store
  await queue.waitUntilReady()
  await queue.pause()
  const client = (await queue.client) as unknown as Info
  const memoryBefore = field(await client.info('memory'), 'used_memory')
  const fillCpuBefore = await redisCpu(client)
  const call = withWebHooks(async (_method: string, params: unknown) => params, {
    hooks: [{ method: 'a', type: 'post', url }],
    store,
  })
  for (let index = 0; index < JOBS; index++) await call('a', PARAMS)
  const pending = async () => {
    const counts = await queue.getJobCounts('wait', 'paused', 'active', 'delayed', 'prioritized')
    return Object.values(counts).reduce((a, b) => a + b, 0)
  }
  // A job holds one delivery or several (a batch job, issue 16): count the deliveries until all are in Redis.
  const queued = async () => {
    const jobs = await queue.getJobs(['wait', 'paused', 'delayed', 'prioritized'])
    const deliveries = jobs.reduce(
      (sum, job) => sum + (Array.isArray(job.data.deliveries) ? job.data.deliveries.length : 1),
      0
    )
    return { jobs: jobs.length, deliveries }
  }
  let filled = await queued()
  while (filled.deliveries < JOBS) {
    await sleep(20)
    filled = await queued()
  }
  if (count === 1) {
    const perDelivery = (field(await client.info('memory'), 'used_memory') - memoryBefore) / JOBS
    figures['redis memory per queued delivery (bytes)'] = `${Math.round(perDelivery)} (${filled.jobs} jobs)`
    // The enqueue's share of Redis' work (the adds), beside the drain's in the lines below.
    figures['redis-server CPU µs per enqueued delivery'] = Math.round(((await redisCpu(client)) - fillCpuBefore) / JOBS)
  }
  const workers = Array.from({ length: count }, () => worker(port, queueName, url))
  await Promise.all(workers.map(w => w.line('ready')))
  const cpuBefore = await redisCpu(client)
  const start = now()
  await queue.resume()
  while ((await pending()) > 0) await sleep(10)
  const elapsed = now() - start
  const redisPerDelivery = ((await redisCpu(client)) - cpuBefore) / JOBS
  const stats = await Promise.all(
    workers.map(async w => {
      w.proc.kill('SIGTERM')
      const { delivered, cpu } = JSON.parse((await w.line('stats ')).slice('stats '.length))
      await w.line('closed')
      return { delivered: delivered as number, cpu: cpu as number }
    })
  )
  const perProcess = stats.map(s => `${Math.round(s.cpu / Math.max(1, s.delivered))}`).join(' / ')
  figures[`${count} worker process${count > 1 ? 'es' : ''}`] =
    `${Math.round((JOBS * 1000) / elapsed)} deliveries/s; CPU µs per delivery: worker ${perProcess}, ` +
    `redis-server ${Math.round(redisPerDelivery)}; delivered ${stats.map(s => s.delivered).join(' / ')}`
  await call.webHooks.close({ timeout: 1000 })
  await store.close()
}

export async function scaling(): Promise<Result> {
  const name = `BullMQ worker processes on one redis-server: ${JOBS} queued post deliveries to a loopback receiver`
  if (!hasRedis) return { name, figures: { skipped: 'redis-server not installed' } }
  const receiver = await childReceiver()
  const redis = await startRedis()
  const figures: Record<string, string | number> = { jobs: JOBS }
  try {
    for (const count of [1, 2, 3]) await run(redis.port, receiver.url, count, figures)
  } finally {
    receiver.close()
    await redis.stop()
  }
  return { name, figures }
}
