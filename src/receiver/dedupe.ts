/**
 * Deduplication of deliveries on `webhook-id`: a sender retries a delivery with the same id, so a receiver that
 * already handled it answers 2xx again without running its handlers twice.
 */

/**
 * Where a receiver remembers the `webhook-id`s it handled. The default keeps them in memory; give your own (Redis,
 * a database) to share them between processes or keep them across restarts. Methods may be async.
 *
 * An id is added only after its handlers succeeded, so a delivery that failed (500) or was denied (403) is handled
 * again when the sender retries it.
 *
 * @example
 * const store: WebHookDedupeStore = {
 *   has: async id => (await redis.exists(`hook:${id}`)) === 1,
 *   add: async (id, ttl) => void (await redis.set(`hook:${id}`, '1', 'PX', ttl)),
 * }
 */
export interface WebHookDedupeStore {
  /** Whether `id` was added and has not expired. */
  has(id: string): boolean | Promise<boolean>
  /** Remembers `id` for `ttl` milliseconds. */
  add(id: string, ttl: number): void | Promise<void>
}

/** Options of {@link createMemoryDedupeStore}. */
export interface WebHookMemoryDedupeOptions {
  /**
   * Most ids kept; past it the oldest are forgotten first.
   * @default 100000
   */
  maxEntries?: number
  /**
   * The clock, in ms since the epoch (for tests).
   * @default Date.now
   */
  now?: () => number
}

/**
 * The default {@link WebHookDedupeStore}: a `Map` of id → expiry, expired entries dropped lazily (no timer), bounded
 * by `maxEntries`.
 *
 * @example createReceiver({ dedupe: { store: createMemoryDedupeStore({ maxEntries: 10_000 }) } })
 */
export function createMemoryDedupeStore(options: WebHookMemoryDedupeOptions = {}): WebHookDedupeStore {
  const { maxEntries = 100_000, now = Date.now } = options
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError(`createMemoryDedupeStore: maxEntries must be an integer ≥ 1, got ${String(maxEntries)}`)
  }
  // Insertion order is expiry order for a constant TTL, so the oldest entries are at the front.
  const expiries = new Map<string, number>()
  const sweep = () => {
    const time = now()
    for (const [id, expiry] of expiries) {
      if (expiry > time && expiries.size <= maxEntries) break
      expiries.delete(id)
    }
  }
  return {
    has(id) {
      const expiry = expiries.get(id)
      if (expiry === undefined) return false
      if (expiry > now()) return true
      expiries.delete(id)
      return false
    },
    add(id, ttl) {
      expiries.delete(id)
      expiries.set(id, now() + ttl)
      sweep()
    },
  }
}
