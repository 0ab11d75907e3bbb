/**
 * The shared fixtures of the tests (issue 11, item 7): one cleanup registry, loopback receivers, wrapped dispatchers
 * and servers closed after each test, a recorder of delivery events and one `until()`.
 */
import { afterEach } from 'vitest'
import { EVENT_NAMES } from '../../src/config/option-keys.js'
import { type WebHookDeliveryEventMap, type WebHooksConfig, withWebHooks } from '../../src/index.js'
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

/** A trivial dispatcher (or `dispatch`) wrapped with web hooks, closed without draining after the test. */
export function wrap(
  config: WebHooksConfig,
  dispatch: (method: string, params: any) => unknown = async (method, params) => ({ method, params })
) {
  const call = withWebHooks(dispatch, config)
  onCleanup(() => call.webHooks.close({ timeout: 0 }))
  return call
}

export type Recorded = { [E in keyof WebHookDeliveryEventMap]: WebHookDeliveryEventMap[E][] }

/** Records every delivery event of a wrapped dispatcher. */
export function record(call: { webHooks: Pick<ReturnType<typeof wrap>['webHooks'], 'on'> }): Recorded {
  const recorded = Object.fromEntries(EVENT_NAMES.map(name => [name, []])) as unknown as Recorded
  for (const name of EVENT_NAMES) call.webHooks.on(name, event => (recorded[name] as unknown[]).push(event))
  return recorded
}

/**
 * Resolves once `predicate` holds (checked every 10 ms), or rejects after `timeout` ms (10 s by default) naming `what`:
 * `until(check)`, `until(check, 8000)`, `until(check, 'the retry')`, `until(check, 'the retry', 20_000)`.
 */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  timeoutOrWhat?: number | string,
  timeout?: number
): Promise<void> {
  const what = typeof timeoutOrWhat === 'string' ? timeoutOrWhat : 'the condition'
  const ms = (typeof timeoutOrWhat === 'number' ? timeoutOrWhat : timeout) ?? 10_000
  const end = Date.now() + ms
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await sleep(10)
  }
}
