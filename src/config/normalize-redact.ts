/**
 * Normalisation of `redact`: Xen Orchestra's obfuscation (keys `token`, `passphrase`, `encryptionKey` and
 * `/password/i`, in `params`) plus the configured keys, patterns and fields.
 */
import { fail, isObject, isUnset, optBoolean, typeName } from '../validation/check.js'
import { checkKnownKeys } from '../validation/known-keys.js'
import { REDACT_KEYS } from './option-keys.js'
import type { ResolvedRedact } from './normalized.js'

/** XO's replacement text. */
export const DEFAULT_REPLACEMENT = '* obfuscated *'
const XO_KEYS = ['token', 'passphrase', 'encryptionKey']
const XO_PATTERNS = [/password/i]

function resolvePattern(value: unknown, path: string): RegExp {
  if (value instanceof RegExp) return new RegExp(value.source, value.flags.replace(/[gy]/g, ''))
  if (typeof value !== 'string')
    fail('ERR_WEB_HOOK_CONFIG_TYPE', path, `must be a RegExp or a string, got ${typeName(value)}`)
  try {
    return new RegExp(value, 'i')
  } catch (error) {
    return fail('ERR_WEB_HOOK_CONFIG_VALUE', path, `is not a valid regular expression: ${(error as Error).message}`)
  }
}

export function resolveRedact(value: unknown): ResolvedRedact | undefined {
  if (value === false) return undefined
  if (isUnset(value)) value = {}
  if (!isObject(value)) fail('ERR_WEB_HOOK_CONFIG_TYPE', 'redact', `must be false or an object, got ${typeName(value)}`)
  checkKnownKeys(value, REDACT_KEYS, 'redact.')
  const { keys, patterns, replacement } = value
  if (!isUnset(keys) && !Array.isArray(keys)) {
    fail('ERR_WEB_HOOK_CONFIG_TYPE', 'redact.keys', `must be an array of strings, got ${typeName(keys)}`)
  }
  if (!isUnset(patterns) && !Array.isArray(patterns)) {
    fail(
      'ERR_WEB_HOOK_CONFIG_TYPE',
      'redact.patterns',
      `must be an array of RegExps or strings, got ${typeName(patterns)}`
    )
  }
  if (!isUnset(replacement) && typeof replacement !== 'string') {
    fail('ERR_WEB_HOOK_CONFIG_TYPE', 'redact.replacement', `must be a string, got ${typeName(replacement)}`)
  }
  const extraKeys = (keys ?? []).map((key: unknown, i: number) => {
    if (typeof key !== 'string')
      fail('ERR_WEB_HOOK_CONFIG_TYPE', `redact.keys[${i}]`, `must be a string, got ${typeName(key)}`)
    return key
  })
  return {
    keys: new Set([...XO_KEYS, ...extraKeys]),
    patterns: [
      ...XO_PATTERNS,
      ...(patterns ?? []).map((p: unknown, i: number) => resolvePattern(p, `redact.patterns[${i}]`)),
    ],
    result: optBoolean(value.result, 'redact.result', false),
    error: optBoolean(value.error, 'redact.error', false),
    replacement: (replacement as string | undefined) ?? DEFAULT_REPLACEMENT,
  }
}
