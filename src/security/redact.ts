/**
 * Which values are obfuscated: Xen Orchestra's rule, a **string** value under a key named exactly `token`,
 * `passphrase` or `encryptionKey` or matching `/password/i`, extended by the `redact` option.
 */
/**
 * Redaction, resolved (config/normalize-redact.ts): which keys are obfuscated, and in which payload fields. Defined
 * here, beside the rule that reads it; config/normalized.ts re-exports it.
 */
export interface ResolvedRedact {
  /** Exact key names. */
  keys: ReadonlySet<string>
  /** Patterns tested against key names (no `g`/`y` flag, so `test` is stateless). */
  patterns: readonly RegExp[]
  result: boolean
  error: boolean
  replacement: string
}

/** Whether the string value under `key` is hidden. */
export function isRedactedKey(redact: ResolvedRedact, key: string): boolean {
  if (redact.keys.has(key)) return true
  for (const pattern of redact.patterns) if (pattern.test(key)) return true
  return false
}
