import { createHmac } from 'node:crypto'

/**
 * The `webhook-signature` value for one message: `v1,<base64 HMAC-SHA256>` for each key, space-separated
 * (Standard Webhooks v1; several keys during rotation). The signed content is `${id}.${timestamp}.${body}`.
 */
export function signWebHook(keys: readonly Uint8Array[], id: string, timestamp: number, body: string): string {
  const content = `${id}.${timestamp}.${body}`
  let header = ''
  for (const key of keys) {
    const signature = createHmac('sha256', key).update(content).digest('base64')
    header = header === '' ? `v1,${signature}` : `${header} v1,${signature}`
  }
  return header
}
