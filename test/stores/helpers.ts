/**
 * Helpers of the store tests: stored deliveries, temporary directories, a free loopback port, a receiver view that dedupes on
 * `webhook-id`, and child processes running a fixture under tsx. Receivers, wrapped dispatchers and the cleanup
 * registry are the shared ones of test/core/setup.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { onCleanup } from '../core/setup.js'
import type { WebHookStoredDelivery } from '../../src/contracts/store.js'
import { type ReceivedRequest, startReceiver, type TestReceiver } from '../helpers/receiver.js'

// The shared registry, receiver, wrap and until (test/core/setup.ts), for the store tests' imports.
export { onCleanup, receiver, until, wrap } from '../core/setup.js'

let deliveries = 0

/** A stored delivery to a receiver that is down (port 9), with a fresh id and callId; `fields` override. */
export function storedDelivery(fields: Partial<WebHookStoredDelivery> = {}): WebHookStoredDelivery {
  const n = ++deliveries
  return {
    id: `msg_st${n}`,
    endpoint: 'http://127.0.0.1:9/',
    url: 'http://127.0.0.1:9/',
    type: 'post',
    method: 'a',
    callId: `c${n}`,
    body: JSON.stringify({ n }),
    createdAt: Date.now(),
    attempts: 0,
    notBefore: 0,
    ...fields,
  }
}

/** A temporary directory removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rwh-store-'))
  onCleanup(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A loopback port nothing listens on (a receiver that is down), reusable by `receiver({ port })` later. */
export async function freePort(): Promise<number> {
  const server = await startReceiver()
  await server.close()
  return server.port
}

/** The distinct `webhook-id`s a receiver got: what a receiver that dedupes on it would process. */
export function uniqueIds(server: TestReceiver): Set<string> {
  return new Set(server.requests.map(request => String(request.headers['webhook-id'])))
}

export interface Child {
  process: ChildProcess
  /** Resolves with the first stdout line that contains `text`. */
  line(text: string, timeout?: number): Promise<string>
  output(): string
}

/** Runs test/stores/fixtures/<name>.ts with node and the tsx loader; killed after the test. */
export function child(name: string, args: string[]): Child {
  const file = fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url))
  const proc = spawn(process.execPath, ['--import', 'tsx', file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const listeners = new Set<() => void>()
  proc.stdout!.on('data', chunk => {
    out += String(chunk)
    for (const listener of listeners) listener()
  })
  proc.stderr!.on('data', chunk => {
    out += String(chunk)
  })
  onCleanup(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL')
  })
  return {
    process: proc,
    output: () => out,
    line(text, timeout = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = out.split('\n').find(line => line.includes(text))
          if (found === undefined) return
          listeners.delete(check)
          clearTimeout(timer)
          resolve(found)
        }
        const timer = setTimeout(() => {
          listeners.delete(check)
          reject(new Error(`child ${name}: no line with ${JSON.stringify(text)} within ${timeout} ms; output:\n${out}`))
        }, timeout)
        listeners.add(check)
        proc.once('exit', () => setTimeout(check, 0))
        check()
      })
    },
  }
}

/** Resolves when the child has exited. */
export function exited(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve()
  return new Promise(resolve => proc.once('exit', () => resolve()))
}

/** Checks every call's post reached the receiver only after its pre was answered 2xx. */
export function expectPreBeforePost(requests: ReceivedRequest[], ok: (index: number) => boolean): void {
  const preDone = new Map<string, number>()
  requests.forEach((request, index) => {
    const { type, callId } = request.json as { type: string; callId: string }
    if (type === 'pre' && ok(index) && !preDone.has(callId)) preDone.set(callId, index)
    if (type === 'post') expect(preDone.get(callId), `post of ${callId} before its pre`).toBeLessThan(index)
  })
}
