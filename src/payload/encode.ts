/**
 * Renders a payload in a hook's format, within `maxPayloadBytes`.
 *
 * Size cap (docs/payloads.md#size-cap): when the body is larger than `maxPayloadBytes`, the largest field (by its JSON
 * size; any field but `type`, `callId`, `timestamp` and `duration`) is replaced by a marker string such as
 * `"[truncated: params was 2345678 bytes, over maxPayloadBytes 1048576]"` (for `error`, an error object with that
 * marker as `message`, keeping a short `name` and `code`, so that it still reads as an error) and its name is listed
 * in a top-level `truncated` array; repeated with the next largest until the body fits. Nothing is dropped silently.
 */
import type { PayloadObject } from './build.js'
import { toOffice365Card } from './office365.js'

const KEPT = new Set(['type', 'callId', 'timestamp', 'duration', 'truncated'])

function render(payload: PayloadObject, format: 'json' | 'office365', order: readonly string[] | undefined): string {
  return JSON.stringify(format === 'office365' ? toOffice365Card(payload, order) : payload)
}

/** UTF-8 size, skipping the count when the string is obviously small (at most 3 bytes per UTF-16 unit). */
function fits(body: string, max: number): boolean {
  return body.length * 3 <= max || Buffer.byteLength(body) <= max
}

function shrink(payload: PayloadObject, max: number): PayloadObject | undefined {
  let largest: string | undefined
  let largestSize = -1
  for (const [key, value] of Object.entries(payload)) {
    if (KEPT.has(key) || (payload.truncated as string[] | undefined)?.includes(key)) continue
    const size = Buffer.byteLength(JSON.stringify(value) ?? '')
    if (size > largestSize) {
      largest = key
      largestSize = size
    }
  }
  if (largest === undefined) return undefined
  const truncated = [...((payload.truncated as string[] | undefined) ?? []), largest]
  const marker = `[truncated: ${largest} was ${largestSize} bytes, over maxPayloadBytes ${max}]`
  return { ...payload, [largest]: largest === 'error' ? errorMarker(payload.error, marker) : marker, truncated }
}

/** An error stays an error object (receivers check its shape): its short `name` and `code`, the marker as `message`. */
export function errorMarker(error: unknown, marker: string): Record<string, unknown> {
  const { name, code } = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>
  const short = (value: unknown) => (typeof value === 'string' && value.length <= 256) || typeof value === 'number'
  return { ...(short(name) && { name }), message: marker, ...(short(code) && { code }) }
}

/**
 * The body for `format`, capped at `max` bytes. Returns the body as is when it fits; when even the markers do not fit
 * (an absurdly small cap), the smallest body reached. `order`: an office365 card's fact order (`factOrder`).
 */
export function encodePayload(
  payload: PayloadObject,
  format: 'json' | 'office365',
  max: number,
  order?: readonly string[]
): string {
  let body = render(payload, format, order)
  let current = payload
  while (!fits(body, max)) {
    const next = shrink(current, max)
    if (next === undefined) break
    current = next
    body = render(current, format, order)
  }
  return body
}
