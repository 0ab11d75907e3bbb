/**
 * The size cap applied before anything is stringified, where the size can be known cheaply (issue #13 item 6): a
 * field that holds strings longer, together, than `maxPayloadBytes` can only be replaced by its marker, so it is
 * replaced at once, without the three or four `JSON.stringify`s of the whole value that the cap otherwise costs (a
 * 50 MB string param blocked the call for about 0.8 s). The size is a lower bound from string lengths (each UTF-16
 * unit is at least one byte of JSON, plus the quotes), read from a bounded part of the value; what it cannot bound
 * cheaply (a `toJSON`, deep nesting, many entries) is left to the exact cap in encode.ts.
 */
import type { ResolvedRedact } from '../config/normalized.js'
import type { PayloadObject } from './build.js'
import { errorMarker } from './encode.js'
import { isRedactedKey } from '../security/redact.js'

/** Levels and entries looked at per field: enough for `{ data: <a huge string> }`, bounded for anything else. */
const MAX_DEPTH = 3
const MAX_VISITS = 1000

interface Walk {
  visits: number
  redact: ResolvedRedact | undefined
}

/** At least this many bytes of JSON; 0 for what it cannot tell without stringifying. */
function minBytes(value: unknown, walk: Walk, depth: number): number {
  if (typeof value === 'string') return value.length + 2
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) return 0
  let total = 0
  try {
    // A toJSON may give anything, a smaller value included.
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return 0
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length && ++walk.visits <= MAX_VISITS; index++) {
        total += minBytes(value[index], walk, depth + 1)
      }
      return total
    }
    for (const key of Object.keys(value)) {
      if (++walk.visits > MAX_VISITS) break
      const item = (value as Record<string, unknown>)[key]
      // A redacted string is sent as the (short) replacement.
      if (typeof item === 'string' && walk.redact !== undefined && isRedactedKey(walk.redact, key)) continue
      total += minBytes(item, walk, depth + 1)
    }
  } catch {
    // A throwing getter or Proxy: what was counted is still a lower bound.
  }
  return total
}

/**
 * `raw` with each of `params`, `result` and `error` that is surely over `max` bytes replaced by its size-cap marker
 * (listed in `truncated`), or `raw` itself when none is.
 */
export function precap(raw: PayloadObject, redact: ResolvedRedact | undefined, max: number): PayloadObject {
  const over: Array<{ field: 'params' | 'result' | 'error'; size: number }> = []
  for (const field of ['params', 'result', 'error'] as const) {
    if (!(field in raw)) continue
    const fieldRedact = field === 'params' || redact?.[field] ? redact : undefined
    const size = minBytes(raw[field], { visits: 0, redact: fieldRedact }, 0)
    if (size > max) over.push({ field, size })
  }
  if (over.length === 0) return raw
  // Largest first, as the exact cap lists them.
  over.sort((a, b) => b.size - a.size)
  const capped: PayloadObject = { ...raw, truncated: over.map(({ field }) => field) }
  for (const { field, size } of over) {
    const marker = `[truncated: ${field} was at least ${size} bytes, over maxPayloadBytes ${max}]`
    capped[field] = field === 'error' ? errorMarker(raw.error, marker) : marker
  }
  return capped
}
