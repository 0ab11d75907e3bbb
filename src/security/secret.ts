import { randomBytes } from 'node:crypto'

const PREFIX = 'whsec_'
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/**
 * Decodes a Standard Webhooks secret (`whsec_` + base64 of 24 to 64 bytes; the prefix is optional) into its HMAC key.
 * Returns `undefined` when the secret is malformed; callers turn that into their own typed error.
 */
export function decodeSecret(secret: string): Uint8Array | undefined {
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret
  if (encoded.length === 0 || encoded.length % 4 !== 0 || !BASE64.test(encoded)) return undefined
  const key = Buffer.from(encoded, 'base64')
  if (key.length < 24 || key.length > 64) return undefined
  return new Uint8Array(key)
}

/**
 * A fresh Standard Webhooks secret: `whsec_` followed by base64 of `bytes` random bytes.
 *
 * @param bytes - key length, 24 to 64.
 * @default 32
 * @example generateSecret() // 'whsec_3q2+7w…'
 */
export function generateSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 24 || bytes > 64) {
    throw new RangeError(`generateSecret(bytes): bytes must be an integer from 24 to 64, got ${String(bytes)}`)
  }
  return PREFIX + randomBytes(bytes).toString('base64')
}
