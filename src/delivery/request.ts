/**
 * Builds the transport request of one attempt: `content-type`, `webhook-id` (the same on every attempt), and when the
 * hook has secrets a fresh `webhook-timestamp` and `webhook-signature` (Standard Webhooks v1), plus the hook's own
 * headers. URL credentials become a Basic `authorization` header and leave the URL, so transports never see them.
 */
import type { ResolvedHook } from '../config/normalized.js'
import { signWebHook } from '../security/sign.js'
import type { OutgoingDelivery } from './engine-types.js'
import type { WebHookTransportRequest } from './types.js'

interface Target {
  url: string
  headers: Record<string, string>
}

const targets = new WeakMap<ResolvedHook, Target>()

function targetOf(hook: ResolvedHook): Target {
  let target = targets.get(hook)
  if (target !== undefined) return target
  const url = new URL(hook.url)
  const headers: Record<string, string> = { ...hook.headers }
  if (url.username !== '' || url.password !== '') {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
    headers.authorization ??= `Basic ${Buffer.from(credentials).toString('base64')}`
    url.username = ''
    url.password = ''
  }
  url.hash = ''
  headers['content-type'] = 'application/json'
  target = { url: url.href, headers }
  targets.set(hook, target)
  return target
}

export function buildRequest(
  delivery: OutgoingDelivery,
  timeout: number,
  signal: AbortSignal | undefined
): WebHookTransportRequest {
  const { hook } = delivery
  const target = targetOf(hook)
  const headers: Record<string, string> = { ...target.headers, 'webhook-id': delivery.id }
  if (hook.secrets.length > 0) {
    const timestamp = Math.floor(Date.now() / 1000)
    headers['webhook-timestamp'] = String(timestamp)
    headers['webhook-signature'] = signWebHook(hook.secrets, delivery.id, timestamp, delivery.body)
  }
  const request: WebHookTransportRequest = { url: target.url, method: 'POST', headers, body: delivery.body, timeout }
  if (signal !== undefined) request.signal = signal
  return request
}
