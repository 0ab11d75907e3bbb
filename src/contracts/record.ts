/**
 * The one record of a delivery as it is shown outside the engine (issue 11): events start with its base, `close()` and
 * `delivery:dropped` show the info, and a store keeps the info with its queue key (`WebHookStoredDelivery`).
 *
 * @packageDocumentation
 */

/** What every delivery event and {@link WebHookDeliveryInfo} start with: which delivery, to where, of which call. */
export interface WebHookDeliveryEventBase {
  /** The delivery id (`webhook-id`), the same on every attempt. */
  id: string
  /** The hook's URL with credentials removed. */
  url: string
  /** `pre` or `post`. */
  type: 'pre' | 'post'
  /** The method of the call. */
  method: string
  /** The call's id, shared by its pre and post. */
  callId: string
  /** Attempts made so far (in an attempt's event: this one included). */
  attempts: number
}

/** A delivery as reported outside the engine (events, `close()`, stores): no secret, no header, a safe URL. */
export interface WebHookDeliveryInfo extends WebHookDeliveryEventBase {
  /** The exact body (JSON text) that was, or would have been, sent. */
  body: string
  /** When the delivery was accepted, ms since the epoch. */
  createdAt: number
}
