/**
 * STUB delivery engine (fetch, no retry, no queue) so the wrapper can be built and tested; the delivery-engine work
 * (issue 3) replaces this file, keeping `createDeliveryEngine` and the `DeliveryEngine` contract.
 */
import type { ResolvedConfig, ResolvedHook } from '../config/normalized.js'
import { signWebHook } from '../security/sign.js'
import type { DeliveryEngine, OutgoingDelivery } from './engine-types.js'
import type { WebHookDeliveryOutcome } from './types.js'

export function createDeliveryEngine(config: ResolvedConfig): DeliveryEngine {
  const inFlight = new Set<Promise<unknown>>()
  let closed = false

  async function send(delivery: OutgoingDelivery, timeout: number): Promise<WebHookDeliveryOutcome> {
    const { hook } = delivery
    const headers: Record<string, string> = { ...hook.headers, 'content-type': 'application/json' }
    headers['webhook-id'] = delivery.id
    if (hook.secrets.length > 0) {
      const timestamp = Math.floor(Date.now() / 1000)
      headers['webhook-timestamp'] = String(timestamp)
      headers['webhook-signature'] = signWebHook(hook.secrets, delivery.id, timestamp, delivery.body)
    }
    try {
      const response = await fetch(hook.url, {
        method: 'POST',
        headers,
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeout),
      })
      const body = (await response.text()).slice(0, 4096)
      if (response.status >= 200 && response.status < 300)
        return { id: delivery.id, ok: true, status: response.status, body, attempts: 1 }
      const error = new Error(`${response.status} ${response.statusText}`)
      report(delivery, error)
      return { id: delivery.id, ok: false, status: response.status, body, error, attempts: 1 }
    } catch (error) {
      report(delivery, error as Error)
      return { id: delivery.id, ok: false, error: error as Error, attempts: 1 }
    }
  }

  function report(delivery: OutgoingDelivery, error: Error): void {
    config.logger?.error('web hook failed', { url: delivery.hook.safeUrl, method: delivery.method, error })
    config.onError?.({
      error,
      url: delivery.hook.safeUrl,
      method: delivery.method,
      type: delivery.type,
      callId: delivery.callId,
      deliveryId: delivery.id,
    })
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise)
    promise.finally(() => inFlight.delete(promise)).catch(() => {})
    return promise
  }

  return {
    enqueue(delivery) {
      if (closed) return
      track(send(delivery, delivery.hook.timeout))
    },
    deliver(delivery, deadline) {
      return track(send(delivery, Math.max(1, Math.min(delivery.hook.timeout, deadline - Date.now()))))
    },
    configure(_hooks: readonly ResolvedHook[]) {},
    async close() {
      closed = true
      await Promise.allSettled([...inFlight])
      return { undelivered: [] }
    },
    stats() {
      return { endpoints: {} }
    },
    on() {
      return () => {}
    },
  }
}
