/**
 * Public types of the delivery engine: transports, stores, events and stats.
 *
 * @packageDocumentation
 */

/** One HTTP request, as handed to a transport. */
export interface WebHookTransportRequest {
  /** Absolute http(s) URL. */
  url: string
  /** Always `POST`. */
  method: 'POST'
  /** Lower-case header names. */
  headers: Record<string, string>
  /** The exact bytes signed and sent. */
  body: string
  /** Timeout for the whole exchange (headers and body), in ms. */
  timeout: number
  /** Aborted when the engine gives up on the request (close, deadline). */
  signal?: AbortSignal
}

/** What a transport returns for a completed exchange (any status). Network failures are thrown instead. */
export interface WebHookTransportResponse {
  status: number
  statusText?: string
  /** Lower-case header names. */
  headers: Record<string, string | undefined>
  /** The response body as text, possibly truncated (the engine keeps at most a few KiB). */
  body: string
}

/** Sends one request. Must not follow redirects. Throws on network errors and timeouts. */
export type WebHookTransport = (request: WebHookTransportRequest) => Promise<WebHookTransportResponse>

/** Outcome of one delivery (all its attempts). */
export interface WebHookDeliveryOutcome {
  /** The delivery id (`webhook-id`). */
  id: string
  /** Whether a 2xx answer was received. */
  ok: boolean
  /** Status of the last answer, when there was one. */
  status?: number
  /** Body of the last answer (truncated), when there was one. */
  body?: string
  /** Why it failed, when it did. */
  error?: Error
  /** Attempts made. */
  attempts: number
}

// ---------------------------------------------------------------------------------------------------------------
// PLACEHOLDERS: the delivery-engine work (issue 3) replaces these with the real definitions, keeping the names.
// ---------------------------------------------------------------------------------------------------------------

/** Where pending deliveries are kept (in memory by default; SQLite and BullMQ stores plug in here). */
export interface WebHookStore {
  readonly kind: string
}

/** Delivery events, by name. */
export interface WebHookDeliveryEventMap {
  'delivery:succeeded': { id: string; url: string; attempts: number }
  'delivery:failed': { id: string; url: string; attempts: number; error: Error }
}

/** Counters per endpoint. */
export interface WebHookStats {
  endpoints: Record<string, { queued: number; inFlight: number; delivered: number; failed: number }>
}

/** What `close()` returns: the deliveries that could not be delivered before the deadline. */
export interface WebHookCloseResult {
  undelivered: readonly { id: string; url: string; body: string }[]
}
