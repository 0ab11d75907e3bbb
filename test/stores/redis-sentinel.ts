/**
 * A real Redis Sentinel setup for the BullMQ tests (issue 16): one master, one replica and one sentinel
 * (`redis-server --sentinel`, quorum 1, `down-after-milliseconds` 1000), all on 127.0.0.1. `killMaster()` kills the
 * master with SIGKILL once its replica has caught up; the sentinel then promotes the replica.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { REDIS_CLI } from './redis-cluster.js'
import { freePort, REDIS_BINARY, startRedis, type TestRedis } from './redis.js'

const run = promisify(execFile)

export interface TestSentinel {
  sentinel: { host: '127.0.0.1'; port: number }
  name: string
  /** Kills the master with SIGKILL once its replica has caught up. */
  killMaster(): Promise<void>
  stop(): Promise<void>
}

const cli = async (port: number, ...args: string[]) =>
  (await run(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), ...args])).stdout

async function until(check: () => Promise<boolean>, what: string, timeout = 10_000): Promise<void> {
  const end = Date.now() + timeout
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`Redis Sentinel: timed out after ${timeout} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

export async function startSentinel(): Promise<TestSentinel> {
  const dir = mkdtempSync(join(tmpdir(), 'rwh-sentinel-'))
  const name = 'rwh-master'
  // A full sync writes an RDB file in the server's directory: the temporary one.
  const master: TestRedis = await startRedis({ dir })
  const replica: TestRedis = await startRedis({ dir })
  await cli(replica.port, 'replicaof', '127.0.0.1', String(master.port))
  await until(
    async () => (await cli(replica.port, 'info', 'replication')).includes('master_link_status:up'),
    'the replica'
  )
  const port = await freePort()
  const config = join(dir, 'sentinel.conf')
  writeFileSync(
    config,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      'protected-mode no',
      `sentinel monitor ${name} 127.0.0.1 ${master.port} 1`,
      `sentinel down-after-milliseconds ${name} 1000`,
      `sentinel failover-timeout ${name} 3000`,
      '',
    ].join('\n')
  )
  const sentinel: ChildProcess = spawn(REDIS_BINARY, [config, '--sentinel'], { stdio: 'ignore' })
  await until(
    async () => (await cli(port, 'sentinel', 'replicas', name)).includes(String(replica.port)),
    'the sentinel'
  )
  return {
    sentinel: { host: '127.0.0.1', port },
    name,
    async killMaster() {
      const offset = Number(/master_repl_offset:(\d+)/.exec(await cli(master.port, 'info', 'replication'))?.[1])
      await until(async () => {
        const info = await cli(replica.port, 'info', 'replication')
        return Number(/slave_repl_offset:(\d+)/.exec(info)?.[1]) >= offset
      }, 'the replica to catch up')
      await master.kill()
    },
    async stop() {
      if (sentinel.exitCode === null && sentinel.signalCode === null) {
        await new Promise(resolve => sentinel.once('exit', resolve).kill('SIGKILL'))
      }
      await Promise.all([master.kill(), replica.kill()])
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
