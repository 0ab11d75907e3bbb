/**
 * Real loopback servers for receiver tests, and a client that signs like a sender (Standard Webhooks v1).
 */
import { decodeSecret } from '../../../src/security/secret.js'
import { signWebHook } from '../../../src/security/sign.js'

export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

export { type Served, serve } from '../../helpers/serve.js'

export interface SendOptions {
  /** Sign with this secret (none: unsigned). */
  secret?: string
  /** webhook-id; default a fresh one. `null` for none. */
  id?: string | null
  /** webhook-timestamp in seconds; default now. */
  timestamp?: number
  headers?: Record<string, string>
  method?: string
}

let counter = 0

/** POSTs `body` (an object is JSON-encoded) like a sender, and returns status, headers and text. */
export async function send(url: string, body: unknown, options: SendOptions = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  const id = options.id === undefined ? `msg_test${++counter}${Date.now()}` : options.id
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (id !== null) headers['webhook-id'] = id
  if (options.secret !== undefined && id !== null) {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000)
    headers['webhook-timestamp'] = String(timestamp)
    headers['webhook-signature'] = signWebHook([decodeSecret(options.secret)!], id, timestamp, text)
  }
  const response = await fetch(url, {
    method: options.method ?? 'POST',
    headers: { ...headers, ...options.headers },
    ...(options.method === 'GET' ? {} : { body: text }),
  })
  return { status: response.status, headers: response.headers, text: await response.text() }
}

export const pre = (overrides: Record<string, unknown> = {}) => ({
  type: 'pre',
  callId: 'call1',
  userId: 'b4tm4n',
  userName: 'bruce.wayne@waynecorp.com',
  method: 'vm.start',
  params: { id: '67aac198-0174-11ea-8d71-362b9e155667' },
  timestamp: 1000,
  ...overrides,
})

export const post = (overrides: Record<string, unknown> = {}) => ({
  ...pre(),
  type: 'post',
  timestamp: 1042,
  duration: 42,
  result: true,
  ...overrides,
})

export const delay = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
