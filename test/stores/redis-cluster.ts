/**
 * A real Redis Cluster for the BullMQ tests (issue 16): 6 `redis-server` processes on 127.0.0.1 (3 masters, 3
 * replicas) with `cluster-enabled yes` and a short `cluster-node-timeout`, joined with `redis-cli --cluster create`,
 * ready once every node says `cluster_state:ok`. `killMasterOf(key)` kills with SIGKILL the master serving a key's slot
 * (a crash), after its replica has caught up: what Redis acknowledged and replicated must survive the failover.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { REDIS_BINARY } from './redis.js'

const run = promisify(execFile)
export const REDIS_CLI = process.env.REDIS_CLI ?? 'redis-cli'
export const hasRedisCluster =
  spawnSync(REDIS_BINARY, ['--version'], { stdio: 'ignore' }).status === 0 &&
  spawnSync(REDIS_CLI, ['--version'], { stdio: 'ignore' }).status === 0

/** How long a node may be unreachable before its replica takes over, ms (Redis' default: 15 000). */
const NODE_TIMEOUT = 1000

export interface TestCluster {
  nodes: Array<{ host: '127.0.0.1'; port: number }>
  /** Kills the master of `key`'s slot with SIGKILL once its replica has caught up; resolves with its port. */
  killMasterOf(key: string): Promise<number>
  /** Resolves once the cluster is `ok` again on the live nodes (a replica promoted). */
  waitOk(timeout?: number): Promise<void>
  stop(): Promise<void>
}

async function canListen(port: number): Promise<boolean> {
  const server = createServer()
  return new Promise(resolve => {
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/** A port free along with its cluster bus port (port + 10 000). */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 35_000)
    if (taken.has(port) || !(await canListen(port)) || !(await canListen(port + 10_000))) continue
    taken.add(port)
    return port
  }
}

async function cli(port: number, ...args: string[]): Promise<string> {
  return (await run(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), ...args])).stdout
}

async function until(check: () => Promise<boolean>, what: string, timeout: number): Promise<void> {
  const end = Date.now() + timeout
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`Redis Cluster: timed out after ${timeout} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

function startNode(port: number, dir: string): ChildProcess {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'no', '--save', '']
  args.push('--appendonly', 'no', '--cluster-enabled', 'yes', '--cluster-node-timeout', String(NODE_TIMEOUT))
  args.push('--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir)
  return spawn(REDIS_BINARY, args, { stdio: 'ignore' })
}

export async function startCluster(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'rwh-cluster-'))
  const taken = new Set<number>()
  const ports: number[] = []
  for (let i = 0; i < 6; i++) ports.push(await freeClusterPort(taken))
  const procs = new Map(ports.map(port => [port, startNode(port, dir)]))
  const live = () => ports.filter(port => procs.get(port)!.exitCode === null && procs.get(port)!.signalCode === null)
  const stop = async () => {
    await Promise.all(
      [...procs.values()].map(proc =>
        proc.exitCode !== null || proc.signalCode !== null
          ? undefined
          : new Promise(resolve => proc.once('exit', resolve).kill('SIGKILL'))
      )
    )
    rmSync(dir, { recursive: true, force: true })
  }
  const waitOk = (timeout = 15_000) =>
    until(
      async () => {
        const states = await Promise.all(live().map(port => cli(port, 'cluster', 'info')))
        return states.every(info => info.includes('cluster_state:ok'))
      },
      'cluster_state:ok',
      timeout
    )
  try {
    await until(
      async () => (await Promise.all(ports.map(port => cli(port, 'ping')))).every(p => p.includes('PONG')),
      'the nodes',
      10_000
    )
    const addresses = ports.map(port => `127.0.0.1:${port}`)
    await run(REDIS_CLI, ['--cluster', 'create', ...addresses, '--cluster-replicas', '1', '--cluster-yes'])
    await waitOk()
  } catch (error) {
    await stop()
    throw error
  }
  return {
    nodes: ports.map(port => ({ host: '127.0.0.1' as const, port })),
    waitOk,
    stop,
    async killMasterOf(key) {
      const slot = Number((await cli(ports[0]!, 'cluster', 'keyslot', key)).trim())
      const lines = (await cli(live()[0]!, 'cluster', 'nodes')).trim().split('\n')
      const master = lines.find(line => {
        const fields = line.split(' ')
        return (
          fields[2]!.includes('master') &&
          fields.slice(8).some(range => {
            const [from, to = from] = range.split('-').map(Number)
            return slot >= from! && slot <= to!
          })
        )
      })!
      const port = Number(master.split(' ')[1]!.split(':')[1]!.split('@')[0])
      // Its replica has everything the master had acknowledged by now (replication is asynchronous: a write the
      // master acknowledged and had not yet sent is lost with it, as Redis documents).
      const acknowledged = Number(/master_repl_offset:(\d+)/.exec(await cli(port, 'info', 'replication'))?.[1])
      await until(
        async () => {
          const info = await cli(port, 'info', 'replication')
          const replicas = [...info.matchAll(/slave\d+:.*offset=(\d+)/g)].map(match => Number(match[1]))
          return replicas.length > 0 && replicas.every(offset => offset >= acknowledged)
        },
        'the replica to catch up',
        5000
      )
      const proc = procs.get(port)!
      await new Promise(resolve => proc.once('exit', resolve).kill('SIGKILL'))
      return port
    },
  }
}
