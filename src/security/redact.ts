/**
 * Which values are obfuscated: Xen Orchestra's rule, a **string** value under a key named exactly `token`,
 * `passphrase` or `encryptionKey` or matching `/password/i`, extended by the `redact` option.
 */
import type { ResolvedRedact } from '../config/normalized.js'

/** Whether the string value under `key` is hidden. */
export function isRedactedKey(redact: ResolvedRedact, key: string): boolean {
  if (redact.keys.has(key)) return true
  for (const pattern of redact.patterns) if (pattern.test(key)) return true
  return false
}
