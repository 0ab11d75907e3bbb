/**
 * The trace context a delivery carries from its call (issue 14): the W3C `traceparent` of the span active when the
 * API call was made, as a string, so that durable stores keep it with the delivery and a retry after a restart still
 * lands in the call's trace. Both directions remember their last answer: the calls of one request share its span, and
 * the attempts of a call's pre and post (and their retries) share its `traceparent`, so each is worked out once.
 */
import type { Context, SpanContext } from '@opentelemetry/api'
import type { OtelApi } from './api.js'

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

export class TraceContexts {
  readonly #api: OtelApi
  #spanContext: SpanContext | undefined
  #captured: string | undefined
  #traceparent: string | undefined
  #parent: Context

  constructor(api: OtelApi) {
    this.#api = api
    this.#parent = api.ROOT_CONTEXT
  }

  /** The `traceparent` of the span active now, or undefined (no span, or no SDK: an invalid context). */
  capture(): string | undefined {
    const api = this.#api
    const span = api.trace.getSpan(api.context.active())
    if (span === undefined) return undefined
    const context = span.spanContext()
    // An SDK span hands out the same span context object on each call: the string is made once per span.
    if (context === this.#spanContext) return this.#captured
    const captured = api.isSpanContextValid(context)
      ? `00-${context.traceId}-${context.spanId}-0${(context.traceFlags & 1).toString(16)}`
      : undefined
    this.#spanContext = context
    this.#captured = captured
    return captured
  }

  /** The context whose remote parent is `traceparent`; the root context when there is none or it is malformed. */
  parentOf(traceparent: string | undefined): Context {
    if (traceparent === this.#traceparent) return this.#parent
    const parent = contextOf(this.#api, traceparent)
    this.#traceparent = traceparent
    this.#parent = parent
    return parent
  }
}

/** Parses `traceparent` (version 00) into a context with that remote parent; the root context if it is not valid. */
export function contextOf(api: OtelApi, traceparent: string | undefined): Context {
  const match = traceparent === undefined ? null : TRACEPARENT.exec(traceparent)
  if (match === null) return api.ROOT_CONTEXT
  const traceId = match[1]!
  const spanId = match[2]!
  // The pattern checked the form; all zeros is the one invalid value left (W3C Trace Context, section 3.2.2).
  if (traceId === api.INVALID_TRACEID || spanId === api.INVALID_SPANID) return api.ROOT_CONTEXT
  const parent: SpanContext = { traceId, spanId, traceFlags: Number.parseInt(match[3]!, 16) & 1, isRemote: true }
  return api.trace.setSpanContext(api.ROOT_CONTEXT, parent)
}
