import { createHmac } from 'node:crypto'

/**
 * The raw HMAC-SHA256 of one message under one key (Standard Webhooks v1): the signed content is
 * `${id}.${timestamp}.${body}`, the body taken as its exact bytes (a string is UTF-8 encoded).
 */
export function computeSignature(key: Uint8Array, id: string, timestamp: number, body: string | Uint8Array): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest()
}

/**
 * The `webhook-signature` value for one message: `v1,<base64 HMAC-SHA256>` for each key, space-separated
 * (Standard Webhooks v1; several keys during rotation). The signed content is `${id}.${timestamp}.${body}`.
 *
 * @example signWebHook([decodeSecret(secret)!], 'msg_1', 1614265330, body) // 'v1,g0hM9SsE…'
 */
export function signWebHook(keys: readonly Uint8Array[], id: string, timestamp: number, body: string): string {
  return keys.map(key => `v1,${computeSignature(key, id, timestamp, body).toString('base64')}`).join(' ')
}
