/**
 * The trace context a delivery carries from its call (issue 14): the W3C `traceparent` of the span active when the
 * API call was made, as a string, so that durable stores keep it with the delivery and a retry after a restart still
 * lands in the call's trace.
 */
import type { Context, SpanContext } from '@opentelemetry/api'
import type { OtelApi } from './api.js'

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

/** The `traceparent` of the span active now, or undefined (no span, or no SDK: an invalid context). */
export function captureTraceparent(api: OtelApi): string | undefined {
  const span = api.trace.getSpan(api.context.active())
  if (span === undefined) return undefined
  const context = span.spanContext()
  if (!api.isSpanContextValid(context)) return undefined
  return `00-${context.traceId}-${context.spanId}-0${(context.traceFlags & 1).toString(16)}`
}

/** The context whose remote parent is `traceparent`; the root context when there is none or it is malformed. */
export function contextOf(api: OtelApi, traceparent: string | undefined): Context {
  const match = traceparent === undefined ? null : TRACEPARENT.exec(traceparent)
  if (match === null) return api.ROOT_CONTEXT
  const parent: SpanContext = {
    traceId: match[1]!,
    spanId: match[2]!,
    traceFlags: Number.parseInt(match[3]!, 16) & 1,
    isRemote: true,
  }
  return api.isSpanContextValid(parent) ? api.trace.setSpanContext(api.ROOT_CONTEXT, parent) : api.ROOT_CONTEXT
}
