/**
 * The delivery options of the configuration, set at the top level or per hook: timeout, retry, redirects, concurrency,
 * signing, headers, TLS, the SSRF guard (`safeUrls`) and redaction. Re-exported by `config/types.ts`.
 */

/**
 * Retry policy of deliveries. `false` turns retries off.
 *
 * @example { schedule: [1000, 5000, 30000] }
 * @example { retries: 5, minDelay: 500, maxDelay: 60000 }
 */
export interface WebHookRetryOptions {
  /**
   * Explicit delays in ms before each retry; its length is the number of retries. Takes precedence over the
   * exponential fields.
   */
  schedule?: readonly number[]
  /**
   * Number of retries after the first attempt, with exponential backoff and full jitter.
   * @default 5
   */
  retries?: number
  /**
   * Delay before the first retry, in ms (doubled on each retry).
   * @default 1000
   */
  minDelay?: number
  /**
   * Cap on one retry delay, in ms (also the cap on an honoured `Retry-After`).
   * @default 300000
   */
  maxDelay?: number
  /**
   * Randomise delays (full jitter) so that many senders do not retry in lock-step.
   * @default true
   */
  jitter?: boolean
}

// Defined beside the guard it configures (src/security/safe-url.ts), which config/ imports.
export type { WebHookSafeUrlOptions } from '../security/safe-url.js'

/** Redaction of secrets in payloads. XO's obfuscation of `params` is the default. */
export interface WebHookRedactOptions {
  /**
   * Extra keys whose string values are obfuscated (exact names, case-sensitive), added to XO's `token`,
   * `passphrase`, `encryptionKey` and `/password/i`.
   * @default []
   */
  keys?: readonly string[]
  /**
   * Extra patterns matched against key names (a string is compiled case-insensitively).
   * @default []
   */
  patterns?: readonly (RegExp | string)[]
  /**
   * Obfuscate `result` too.
   * @default false
   */
  result?: boolean
  /**
   * Obfuscate `error` too.
   * @default false
   */
  error?: boolean
  /**
   * Replacement text.
   * @default '* obfuscated *'
   */
  replacement?: string
}

/** Delivery options a hook may set for itself, overriding the configuration's. */
export interface WebHookDeliveryOptions {
  /**
   * Request timeout in ms (headers and body).
   * @default 10000
   */
  timeout?: number
  /**
   * Retries; `false` for none. Waited pre hooks (`waitForResponse`, `veto`) make one attempt unless the hook itself
   * sets `retry` (the top-level one is for fire-and-forget deliveries).
   * @default { retries: 5, minDelay: 1000, maxDelay: 300000, jitter: true }
   */
  retry?: false | WebHookRetryOptions
  /**
   * Redirects followed at most (0 to 20). 307 and 308 keep the POST and its body; 301, 302 and 303 turn it into a
   * GET without body, as fetch does. Each hop is checked by `safeUrls`; on a hop to another origin, credentials, the
   * signature and the hook's own headers are not sent. The final URL is in delivery events (`redirectedTo`) and
   * `stats()`. 0 (the default, as Standard Webhooks advises): a 3xx is a failed delivery. The XO plugin follows 5, as
   * XO does.
   * @default 0
   */
  redirects?: number
  /**
   * Requests in flight at once to one endpoint (URL).
   * @default 8
   */
  concurrency?: number
  /**
   * Standard Webhooks secret(s) (`whsec_…`): every request is signed with each of them (several during rotation).
   * Present but `undefined`, `null` or `[]` (an unset environment variable) is an error: leave the key out to send
   * unsigned.
   * @example 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
   */
  secret?: string | readonly string[] | undefined
  /**
   * Extra request headers, e.g. `{ authorization: 'Bearer …' }`. `content-type` and `webhook-*` are ours and cannot be
   * set here.
   * @default {}
   */
  headers?: Readonly<Record<string, string>>
}
