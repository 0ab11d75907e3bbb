/**
 * Helpers of the delivery tests: a wrapped dispatcher over the public API, closed after each test, and a recorder of
 * delivery events.
 */
import { afterEach } from 'vitest'
import { type WebHookDeliveryEventMap, type WebHooksConfig, withWebHooks } from '../../src/index.js'
import { startReceiver, type Responder, type TestReceiver } from '../helpers/receiver.js'

const cleanups: Array<() => Promise<unknown>> = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {})
})

/** A receiver closed after the test. */
export async function receiver(responder?: Responder, options?: { port?: number }): Promise<TestReceiver> {
  const server = await startReceiver(responder, options)
  cleanups.push(() => server.close())
  return server
}

/** A trivial dispatcher wrapped with web hooks, closed after the test. */
export function wrap(config: WebHooksConfig) {
  const call = withWebHooks(async (method: string, params: unknown) => ({ method, params }), config)
  cleanups.push(() => call.webHooks.close({ timeout: 0 }))
  return call
}

export type Recorded = { [E in keyof WebHookDeliveryEventMap]: WebHookDeliveryEventMap[E][] }

/** Records every delivery event of a wrapped dispatcher. */
export function record(call: ReturnType<typeof wrap>): Recorded {
  const recorded: Recorded = {
    'delivery:succeeded': [],
    'delivery:failed': [],
    'delivery:given-up': [],
    'delivery:vetoed': [],
    'delivery:dropped': [],
    'endpoint:paused': [],
    'endpoint:resumed': [],
    'endpoint:gone': [],
  }
  for (const name of Object.keys(recorded) as (keyof Recorded)[]) {
    call.webHooks.on(name, event => (recorded[name] as unknown[]).push(event))
  }
  return recorded
}

/** Resolves once `predicate` holds (checked every 5 ms), or rejects after `timeout` ms. */
export async function until(predicate: () => boolean, timeout = 5000): Promise<void> {
  const end = Date.now() + timeout
  while (!predicate()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
