/**
 * A real `redis-server` (the Debian package) for the BullMQ tests: started on 127.0.0.1 on a free port, without
 * persistence (`--save '' --appendonly no`), stopped after the tests. When the binary is absent the tests that need it
 * are skipped with a message saying how to install it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { afterAll, beforeAll } from 'vitest'

export const REDIS_BINARY = process.env.REDIS_SERVER ?? 'redis-server'

/** Whether `redis-server` can be run here. */
export const hasRedis = spawnSync(REDIS_BINARY, ['--version'], { stdio: 'ignore' }).status === 0

export const NO_REDIS_MESSAGE =
  `${REDIS_BINARY} not found: the BullMQ store tests are skipped. Install it (Debian: apt-get install redis-server) ` +
  'or set REDIS_SERVER to its path.'

export interface TestRedis {
  host: '127.0.0.1'
  port: number
  url: string
  stop(): Promise<void>
  /** Kills it with SIGKILL (a crash: no clean shutdown). */
  kill(): Promise<void>
}

/** A loopback port nothing listens on now (for a `redis-server` to take). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise(resolve => server.close(resolve))
  return port
}

/**
 * Starts a `redis-server`, on `port` when given (a restart on the same address), its files (a replica's full sync
 * writes one) in `dir` (default: the system's temporary directory).
 */
export async function startRedis(options: { port?: number; dir?: string } = {}): Promise<TestRedis> {
  const port = options.port ?? (await freePort())
  const proc: ChildProcess = spawn(
    REDIS_BINARY,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.dir ?? tmpdir() }
  )
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000)
    const onData = (chunk: Buffer) => {
      output += String(chunk)
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve()
      }
    }
    proc.stdout!.on('data', onData)
    proc.stderr!.on('data', onData)
    proc.once('exit', code => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited (${code}):\n${output}`))
    })
  })
  function end(signal: NodeJS.Signals): Promise<void> {
    if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve()
    return new Promise(resolve => {
      proc.once('exit', () => resolve())
      proc.kill(signal)
    })
  }
  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  }
}

/**
 * Starts a `redis-server` before the tests of the file (when there is one) and stops it after them; the result reads
 * the running server (undefined without redis-server).
 */
export function useTestRedis(): () => TestRedis | undefined {
  let redis: TestRedis | undefined
  beforeAll(async () => {
    if (hasRedis) redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.stop()
  })
  return () => redis
}
