/**
 * Errors as they travel in post payloads (Xen Orchestra's `serializeError`): the error's own enumerable properties
 * plus `name`, `message`, `code` and `data`; `stack` only when `includeErrorStack` is set (XO always sends it).
 */
import type { SerializedError } from './types.js'

const STANDARD = ['name', 'message', 'code', 'data'] as const

/** `name`, `message` and `code` travel as strings (a number `code` stays a number), as receivers expect. */
function asScalar(key: string, value: unknown): string | number {
  return key === 'code' && typeof value === 'number' ? value : String(value)
}

/**
 * The error in the shape of `SerializedError`, not yet JSON-safe (`toJsonSafe` is applied to the result). A value that
 * is not an object (a thrown string, `undefined`) becomes `{ message: String(value) }`. An already serialised error (a
 * plain object, as XO's events carry) keeps its fields, `stack` included only when asked for.
 */
export function serializeError(error: unknown, includeStack: boolean): SerializedError {
  if (typeof error !== 'object' || error === null) return { message: String(error) }
  const out: SerializedError = {}
  const source = error as Record<string, unknown>
  try {
    for (const key of STANDARD) {
      const value = source[key]
      if (value !== undefined) (out as Record<string, unknown>)[key] = key === 'data' ? value : asScalar(key, value)
    }
    for (const key of Object.keys(source)) if (key !== 'stack' && !(key in out)) out[key] = source[key]
    if (includeStack && typeof source.stack === 'string') out.stack = source.stack
  } catch (reason) {
    // A throwing getter: keep what was read, and say so.
    out.unserializable = String(reason instanceof Error ? reason.message : reason)
  }
  return out
}
