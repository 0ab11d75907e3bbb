/** A small typed event emitter for delivery events; a throwing listener is logged, never thrown into delivery. */
import type { WebHookDeliveryEventMap } from '../contracts/delivery.js'

type Listener<E extends keyof WebHookDeliveryEventMap> = (event: WebHookDeliveryEventMap[E]) => void

export class DeliveryEvents {
  #listeners = new Map<keyof WebHookDeliveryEventMap, Set<Listener<any>>>()

  constructor(readonly onListenerError: (error: unknown, event: string) => void) {}

  on<E extends keyof WebHookDeliveryEventMap>(event: E, listener: Listener<E>): () => void {
    const set = this.#listeners.get(event) ?? new Set()
    this.#listeners.set(event, set)
    set.add(listener)
    return () => {
      set.delete(listener)
    }
  }

  /** Whether anyone listens: lets the hot path skip building event objects. */
  has(event: keyof WebHookDeliveryEventMap): boolean {
    const set = this.#listeners.get(event)
    return set !== undefined && set.size > 0
  }

  emit<E extends keyof WebHookDeliveryEventMap>(event: E, payload: WebHookDeliveryEventMap[E]): void {
    const set = this.#listeners.get(event)
    if (set === undefined) return
    for (const listener of set) {
      try {
        listener(payload)
      } catch (error) {
        this.onListenerError(error, event)
      }
    }
  }
}
