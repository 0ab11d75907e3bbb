/**
 * The in-memory store, the default. Pending deliveries live in the engine's own per-endpoint queues (nothing is
 * copied on the hot path: `durable` is false, so the engine does not journal them); this object keeps the dead
 * letters, bounded, for `listDeadLetters` and replay. Its `enqueue`/`lease`/`ack`/`retryAt` work too, so it is also
 * the reference implementation of the store contract.
 */
import type { WebHookDeadLetter, WebHookLease, WebHookStore, WebHookStoredDelivery } from '../contracts/store.js'

/** Options of {@link memoryStore}. */
export interface WebHookMemoryStoreOptions {
  /**
   * Most dead letters kept; the oldest are forgotten beyond it.
   * @default 1000
   */
  maxDeadLetters?: number
}

/** The in-memory store; also a typed handle to list and take dead letters. */
export interface WebHookMemoryStore extends WebHookStore {
  readonly kind: 'memory'
  readonly durable: false
  lease(options: WebHookLease): WebHookStoredDelivery[]
  listDeadLetters(options?: { limit?: number }): WebHookDeadLetter[]
  takeDeadLetters(ids?: readonly string[]): WebHookStoredDelivery[]
}

interface Entry {
  delivery: WebHookStoredDelivery
  leaseUntil: number
}

/**
 * Creates an in-memory store (the default `store`): fast, bounded, lost when the process exits. Pass your own
 * instance to read dead letters.
 *
 * @example
 * const store = memoryStore({ maxDeadLetters: 100 })
 * const rpc = withWebHooks(dispatch, { hooks, store })
 * for (const letter of store.listDeadLetters()) console.log(letter.id, letter.code)
 */
export function memoryStore(options: WebHookMemoryStoreOptions = {}): WebHookMemoryStore {
  const maxDeadLetters = options.maxDeadLetters ?? 1000
  const pending = new Map<string, Entry>()
  const dead = new Map<string, WebHookDeadLetter>()

  return {
    kind: 'memory',
    durable: false,
    enqueue(delivery, leaseUntil) {
      pending.set(delivery.id, { delivery, leaseUntil })
    },
    lease({ limit, leaseMs, now }: WebHookLease) {
      const leased: WebHookStoredDelivery[] = []
      for (const entry of pending.values()) {
        if (leased.length >= limit) break
        if (entry.leaseUntil > now || entry.delivery.notBefore > now) continue
        entry.leaseUntil = now + leaseMs
        leased.push(entry.delivery)
      }
      return leased
    },
    ack(id) {
      pending.delete(id)
    },
    retryAt(id, at, attempts) {
      const entry = pending.get(id)
      if (entry === undefined) return
      entry.delivery = { ...entry.delivery, notBefore: at, attempts }
      entry.leaseUntil = at
    },
    deadLetter(letter) {
      pending.delete(letter.id)
      dead.set(letter.id, letter)
      if (dead.size > maxDeadLetters) dead.delete(dead.keys().next().value as string)
    },
    listDeadLetters({ limit = Number.POSITIVE_INFINITY } = {}) {
      return [...dead.values()].slice(0, limit)
    },
    takeDeadLetters(ids) {
      const taken: WebHookStoredDelivery[] = []
      for (const id of ids ?? [...dead.keys()]) {
        const letter = dead.get(id)
        if (letter === undefined) continue
        dead.delete(id)
        const { failedAt: _failedAt, code: _code, message: _message, status: _status, ...delivery } = letter
        taken.push({ ...delivery, attempts: 0, notBefore: 0 })
      }
      return taken
    },
  }
}
