/**
 * The bodies of one event, encoded at most once per format for all the hooks of the event: the JSON body the fast way
 * when it can be (fast-json.ts), else from the safe payload, built only then.
 */
import type { ResolvedConfig } from '../config/normalized.js'
import { type PayloadObject, toSafePayload, type Unserializable } from './build.js'
import { encodePayload } from './encode.js'
import { fastJsonBody } from './fast-json.js'
import { factOrder } from './office365.js'
import { precap } from './precap.js'

type Options = Pick<ResolvedConfig, 'redact' | 'includeErrorStack' | 'maxPayloadBytes'>

export class EventBodies {
  readonly #raw: PayloadObject
  readonly #options: Options
  readonly #data: object
  #safe: PayloadObject | undefined
  #json: string | undefined
  #office365: string | undefined
  /** What the safe payload could not represent as it was (markers sent instead); empty on the fast path. */
  readonly unserializable: Unserializable[] = []

  /** `raw`: from `buildRawPrePayload` or `buildRawPostPayload` of `data`, the host's call data. */
  constructor(raw: PayloadObject, options: Options, data: object) {
    this.#raw = precap(raw, options.redact, options.maxPayloadBytes)
    this.#options = options
    this.#data = data
  }

  /** The body in `format`, capped at `maxPayloadBytes`. */
  body(format: 'json' | 'office365'): string {
    const { maxPayloadBytes } = this.#options
    if (format === 'json') {
      this.#json ??=
        fastJsonBody(this.#raw, this.#options.redact, maxPayloadBytes) ??
        encodePayload(this.#safePayload(), 'json', maxPayloadBytes)
      return this.#json
    }
    this.#office365 ??= encodePayload(this.#safePayload(), 'office365', maxPayloadBytes, factOrder(this.#data))
    return this.#office365
  }

  #safePayload(): PayloadObject {
    this.#safe ??= toSafePayload(this.#raw, this.#options, this.unserializable)
    return this.#safe
  }
}
