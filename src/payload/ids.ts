/**
 * Random ids: call ids are `nanoid()` (21 URL-safe characters, 126 random bits), delivery ids `msg_` + `nanoid()`
 * (Standard Webhooks message ids: no `.`). nanoid builds its result character by character, which leaves a V8
 * cons-string; the delivery engine flattens the strings it queues (src/delivery/job.ts), so queued deliveries do not
 * keep that overhead.
 */
import { nanoid } from 'nanoid'

/** A call id, shared by the pre and post payloads of one call. */
export function randomId(): string {
  return nanoid()
}

/** A delivery id (`webhook-id`), the same on every attempt of one delivery. */
export function deliveryId(): string {
  return `msg_${nanoid()}`
}
