/**
 * When a veto hook's answer is a refusal, and its reason: decided here once, for the delivery loop (a refusal is the
 * gate working, not a failed delivery: no retry, no `delivery:given-up`, no `onError`; issue #12, item 12) and for the
 * call (`decideVeto`).
 */

/** Longest reason kept from a veto answer. */
export const MAX_REASON_LENGTH = 1024

/** Whether a veto hook's answer refuses the call: any answer that is not 2xx and below 500. */
export function isVetoRefusal(status: number | undefined): status is number {
  return status !== undefined && status < 500 && !(status >= 200 && status < 300)
}

/** `reason` of a JSON body `{ "reason": "…" }`, else the trimmed body text; capped; undefined when empty. */
export function parseVetoReason(body: string | undefined): string | undefined {
  if (body === undefined) return undefined
  let reason = body.trim()
  if (reason.startsWith('{')) {
    try {
      const json = JSON.parse(reason) as { reason?: unknown }
      if (typeof json.reason === 'string') reason = json.reason
    } catch {}
  }
  return reason === '' ? undefined : reason.slice(0, MAX_REASON_LENGTH)
}
