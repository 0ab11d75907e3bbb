/**
 * Turns any value into one that `JSON.stringify` renders without throwing, obfuscating secrets on the way.
 *
 * A hook must never fail the call it reports, so what JSON cannot represent is degraded, visibly, instead of thrown:
 * a circular reference becomes `"[Circular]"`, a BigInt its decimal string, a `toJSON` or getter that throws
 * `"[Unserializable: <message>]"`, nesting deeper than 100 levels `"[Too deep]"`. Everything else renders as
 * `JSON.stringify` would (functions and symbols dropped, `Date`s through `toJSON`, `NaN` as null).
 */
import type { ResolvedRedact } from '../config/normalized.js'
import { isRedactedKey } from '../security/redact.js'

/** Objects nested this deep are sent as `"[Too deep]"`. */
export const MAX_DEPTH = 100

function describe(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error)
  } catch {
    return 'unknown error'
  }
}

/** Collects the reasons of the `"[Unserializable: …]"` markers made, so that the caller can report them. */
export type UnserializableSink = string[]

function unserializable(error: unknown, sink: UnserializableSink | undefined): string {
  const reason = describe(error)
  sink?.push(reason)
  return `[Unserializable: ${reason}]`
}

function walk(
  value: unknown,
  redact: ResolvedRedact | undefined,
  ancestors: unknown[],
  key: string,
  sink: UnserializableSink | undefined
): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (typeof value !== 'object' || value === null) return value
  if (ancestors.includes(value)) return '[Circular]'
  if (ancestors.length >= MAX_DEPTH) return '[Too deep]'
  try {
    const toJSON = (value as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function') {
      const replaced = toJSON.call(value, key)
      if (replaced !== value) return walk(replaced, redact, ancestors, key, sink)
    }
    ancestors.push(value)
    try {
      if (Array.isArray(value)) {
        const out = new Array<unknown>(value.length)
        for (let i = 0; i < value.length; i++) out[i] = walk(value[i], redact, ancestors, String(i), sink)
        return out
      }
      const out: Record<string, unknown> = {}
      for (const name of Object.keys(value)) {
        let item: unknown
        try {
          item = (value as Record<string, unknown>)[name]
        } catch (error) {
          // A throwing getter spoils its own property only.
          out[name] = unserializable(error, sink)
          continue
        }
        out[name] =
          redact !== undefined && typeof item === 'string' && isRedactedKey(redact, name)
            ? redact.replacement
            : walk(item, redact, ancestors, name, sink)
      }
      return out
    } finally {
      ancestors.pop()
    }
  } catch (error) {
    return unserializable(error, sink)
  }
}

/**
 * A JSON-safe copy of `value`; with `redact`, string values under secret keys (at any depth) are replaced.
 *
 * @example toJsonSafe({ password: 'x', n: 1n }, redact) // { password: '* obfuscated *', n: '1' }
 */
export function toJsonSafe(value: unknown, redact?: ResolvedRedact, sink?: UnserializableSink): unknown {
  return walk(value, redact, [], '', sink)
}
