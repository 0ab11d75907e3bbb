/** Shared fixtures of the tests: receivers, wrapped dispatchers and servers closed after each test. */
import { afterEach } from 'vitest'
import { startReceiver, type TestReceiver } from '../helpers/receiver.js'

const cleanups: Array<() => Promise<unknown> | unknown> = []

afterEach(async () => {
  const pending = cleanups.splice(0)
  for (const cleanup of pending.reverse()) await cleanup()
})

/** Closes `thing` after the test. */
export function track<T extends { close(): Promise<unknown> } | { webHooks: { close(): Promise<unknown> } }>(
  thing: T
): T {
  cleanups.push(() =>
    'webHooks' in thing ? (thing.webHooks.close as (o: object) => Promise<unknown>)({ timeout: 1000 }) : thing.close()
  )
  return thing
}

/** Runs `cleanup` after the test (after those registered later). */
export function onCleanup(cleanup: () => Promise<unknown> | unknown): void {
  cleanups.push(cleanup)
}

/** A loopback receiver closed after the test. */
export async function receiver(...args: Parameters<typeof startReceiver>): Promise<TestReceiver> {
  return track(await startReceiver(...args))
}

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** Waits until no new request arrives for `quietMs`, then returns what arrived (for "nothing was sent" checks). */
export async function settle(rx: TestReceiver, quietMs = 100): Promise<TestReceiver['requests']> {
  let count = -1
  while (count !== rx.requests.length) {
    count = rx.requests.length
    await sleep(quietMs)
  }
  return rx.requests
}
