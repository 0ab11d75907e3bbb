/**
 * Renders a payload in a hook's format, within `maxPayloadBytes`.
 *
 * Size cap (docs/payloads.md#size-cap): when the body is larger than `maxPayloadBytes`, the largest field (by its JSON
 * size; any field but `type`, `callId`, `timestamp` and `duration`) is replaced by a marker string such as
 * `"[truncated: params was 2345678 bytes, over maxPayloadBytes 1048576]"` and its name is listed in a top-level
 * `truncated` array; repeated with the next largest until the body fits. Nothing is dropped silently.
 */
import type { PayloadObject } from './build.js'
import { toOffice365Card } from './office365.js'

const KEPT = new Set(['type', 'callId', 'timestamp', 'duration', 'truncated'])

function render(payload: PayloadObject, format: 'json' | 'office365'): string {
  return JSON.stringify(format === 'office365' ? toOffice365Card(payload) : payload)
}

/** UTF-8 size, skipping the count when the string is obviously small (at most 3 bytes per UTF-16 unit). */
function fits(body: string, max: number): boolean {
  return body.length * 3 <= max || Buffer.byteLength(body) <= max
}

function shrink(payload: PayloadObject, max: number): PayloadObject | undefined {
  let largest: string | undefined
  let largestSize = -1
  for (const [key, value] of Object.entries(payload)) {
    if (KEPT.has(key) || (typeof value === 'string' && value.startsWith('[truncated: '))) continue
    const size = Buffer.byteLength(JSON.stringify(value) ?? '')
    if (size > largestSize) {
      largest = key
      largestSize = size
    }
  }
  if (largest === undefined) return undefined
  const truncated = [...((payload.truncated as string[] | undefined) ?? []), largest]
  return {
    ...payload,
    [largest]: `[truncated: ${largest} was ${largestSize} bytes, over maxPayloadBytes ${max}]`,
    truncated,
  }
}

/**
 * The body for `format`, capped at `max` bytes. Returns the body as is when it fits; when even the markers do not fit
 * (an absurdly small cap), the smallest body reached.
 */
export function encodePayload(payload: PayloadObject, format: 'json' | 'office365', max: number): string {
  let body = render(payload, format)
  let current = payload
  while (!fits(body, max)) {
    const next = shrink(current, max)
    if (next === undefined) break
    current = next
    body = render(current, format)
  }
  return body
}
