/**
 * The common case of encoding a JSON payload, without the safe walker (issue 3, throughput bar): one plain
 * `JSON.stringify` of the raw payload, accepted only when it is certainly the body `toJsonSafe` + `encodePayload` would
 * give. It is not when `JSON.stringify` throws (a cycle, a BigInt, a throwing getter or `toJSON`), when the body is over
 * `maxPayloadBytes` (the size cap shrinks it), when nesting may be deeper than the walker's limit (`"[Too deep]"`), or
 * when a key that redaction hides may occur: the caller then takes the safe path, which gives the exact result.
 */
import type { ResolvedRedact } from '../config/normalized.js'
import type { PayloadObject } from './build.js'
import { MAX_DEPTH } from './safe-json.js'

/**
 * What may reveal a redacted key in a body, as one case-insensitive RegExp (one scan; ignoring case only adds false
 * positives): each exact key as JSON writes it (`"token":`), and the patterns that are plain literals (letters, digits,
 * `_`, `-`: JSON never escapes those, so a key they match shows them as they are). `undefined` when a pattern is
 * anything else: such a configuration always takes the safe path.
 */
const screens = new WeakMap<ResolvedRedact, RegExp | undefined>()
const LITERAL = /^[\w-]+$/

/** The last configuration's screen, so that the common case skips the WeakMap. */
let last: { redact: ResolvedRedact; screen: RegExp | undefined } | undefined

function screenFor(redact: ResolvedRedact): RegExp | undefined {
  if (last?.redact === redact) return last.screen
  let screen = screens.get(redact)
  if (screen === undefined && !screens.has(redact)) screen = compileScreen(redact)
  last = { redact, screen }
  return screen
}

function compileScreen(redact: ResolvedRedact): RegExp | undefined {
  let screen: RegExp | undefined
  if (redact.patterns.every(pattern => LITERAL.test(pattern.source))) {
    const keys = [...redact.keys].map(key => `${JSON.stringify(key)}:`.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    screen = new RegExp([...keys, ...redact.patterns.map(pattern => pattern.source)].join('|'), 'i')
  }
  screens.set(redact, screen)
  return screen
}

/** Whether a key that `redact` hides may be in `body` (false positives only send the body the safe way). */
function mayRedact(body: string, redact: ResolvedRedact): boolean {
  const screen = screenFor(redact)
  return screen === undefined || screen.test(body)
}

/**
 * Whether the JSON text nests deeper than `limit` levels. Counts brackets first (enough for any usual payload), and
 * scans only when there are more, skipping strings.
 */
function deeperThan(body: string, limit: number): boolean {
  let brackets = 0
  for (let index = body.indexOf('{'); index !== -1; index = body.indexOf('{', index + 1)) brackets++
  for (let index = body.indexOf('['); index !== -1; index = body.indexOf('[', index + 1)) brackets++
  if (brackets <= limit) return false
  let depth = 0
  let inString = false
  for (let index = 0; index < body.length; index++) {
    const code = body.charCodeAt(index)
    if (inString) {
      if (code === 92)
        index++ // backslash: skip the escaped character
      else if (code === 34) inString = false
    } else if (code === 34) inString = true
    else if (code === 123 || code === 91) {
      if (++depth > limit) return true
    } else if (code === 125 || code === 93) depth--
  }
  return false
}

/**
 * Whether a top-level field needs the walker: it has a `toJSON` (or reading it throws, as on a Proxy), or it is a
 * function or a Symbol, which `JSON.stringify` would leave out (a post without `result` is refused by receivers).
 */
function needsWalker(value: unknown): boolean {
  if (typeof value === 'function' || typeof value === 'symbol') return true
  if (typeof value !== 'object' || value === null) return false
  try {
    return typeof (value as { toJSON?: unknown }).toJSON === 'function'
  } catch {
    return true
  }
}

/**
 * The JSON body of a raw payload (params, result and error as the call gave them), or `undefined` when only the safe
 * path gives the exact body. Depth: the payload object is level 1, a field's own brackets level 2; the walker replaces
 * any object `MAX_DEPTH` levels below a field, even one whose `toJSON` gives a string (no bracket of its own), so its
 * container is at level `MAX_DEPTH + 1`: with at most `MAX_DEPTH` levels in the text, nothing is replaced.
 */
export function fastJsonBody(
  payload: PayloadObject,
  redact: ResolvedRedact | undefined,
  max: number
): string | undefined {
  // The walker calls a field's own `toJSON` with the key '' where JSON.stringify passes the field's name.
  if (needsWalker(payload.params) || needsWalker(payload.result) || needsWalker(payload.error)) return undefined
  let body: string | undefined
  try {
    body = JSON.stringify(payload)
  } catch {
    return undefined
  }
  if (body === undefined || !(body.length * 3 <= max || Buffer.byteLength(body) <= max)) return undefined
  if (redact !== undefined && mayRedact(body, redact)) return undefined
  if (deeperThan(body, MAX_DEPTH)) return undefined
  return body
}
