/**
 * Pairs the pre and post payloads of one call by `callId`, in either arrival order. A half waits `ttl` ms for the
 * other; past that it is an orphan, reported once.
 */
import type { WebHookPostPayload, WebHookPrePayload } from '../payload/types.js'

interface Pending {
  pre?: WebHookPrePayload
  post?: WebHookPostPayload
  timer: ReturnType<typeof setTimeout>
}

export interface Correlator {
  /** Adds a half; returns both halves when this one completes a call (and forgets them), else undefined. */
  add(payload: WebHookPrePayload | WebHookPostPayload): { pre: WebHookPrePayload; post: WebHookPostPayload } | undefined
  /** Puts back the half that `add` took out when handling the pair failed, so a retry can complete it again. */
  restore(payload: WebHookPrePayload | WebHookPostPayload): void
  /** Halves waiting. */
  readonly size: number
  /** Forgets every waiting half without reporting it. */
  clear(): void
}

export function createCorrelator(
  ttl: number,
  onOrphan: (orphan: { callId: string; pre?: WebHookPrePayload; post?: WebHookPostPayload }) => void
): Correlator {
  const pending = new Map<string, Pending>()

  const wait = (payload: WebHookPrePayload | WebHookPostPayload) => {
    const { callId } = payload
    const previous = pending.get(callId)
    if (previous !== undefined) clearTimeout(previous.timer)
    const timer = setTimeout(() => {
      const entry = pending.get(callId)
      if (entry === undefined) return
      pending.delete(callId)
      onOrphan({ callId, ...(entry.pre && { pre: entry.pre }), ...(entry.post && { post: entry.post }) })
    }, ttl)
    // A waiting half must not keep the process alive.
    timer.unref?.()
    // A retried half replaces the one that waited.
    pending.set(callId, payload.type === 'pre' ? { pre: payload, timer } : { post: payload, timer })
  }

  return {
    add(payload) {
      const entry = pending.get(payload.callId)
      const other = payload.type === 'pre' ? entry?.post : entry?.pre
      if (entry === undefined || other === undefined) {
        wait(payload)
        return undefined
      }
      clearTimeout(entry.timer)
      pending.delete(payload.callId)
      return payload.type === 'pre'
        ? { pre: payload, post: other as WebHookPostPayload }
        : { pre: other as WebHookPrePayload, post: payload }
    },
    restore(payload) {
      wait(payload)
    },
    get size() {
      return pending.size
    },
    clear() {
      for (const entry of pending.values()) clearTimeout(entry.timer)
      pending.clear()
    },
  }
}
