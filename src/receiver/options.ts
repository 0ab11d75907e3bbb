/**
 * The options of `createReceiver`, checked and resolved once (defaults applied, secrets decoded): each request then
 * only reads the result. Uses the shared validation toolkit (`src/validation/`), so `null` means "not set" here as in
 * the sender.
 */
import { WebHookConfigError } from '../errors/config-error.js'
import { decodeSecret } from '../security/secret.js'
import { createReceiverTelemetry } from '../telemetry/receiver.js'
import {
  isObject,
  isUnset,
  optDuration,
  optFunction,
  optNonNegative,
  optPositiveInteger,
  typeName,
} from '../validation/check.js'
import { checkKnownKeys } from '../validation/known-keys.js'
import { createMemoryDedupeStore, type WebHookDedupeStore } from './dedupe.js'
import type { WebHookDedupeOptions, WebHookReceiverOptions } from './option-types.js'

/** The options of `createReceiver`, and of its `dedupe` (one list each: a new option is one more entry). */
const RECEIVER_KEYS = [
  'secret',
  'tolerance',
  'maxBodyBytes',
  'bodyTimeout',
  'dedupe',
  'orphanTtl',
  'onOrphan',
  'onTest',
  'onError',
  'telemetry',
] as const satisfies readonly (keyof WebHookReceiverOptions)[]
const DEDUPE_KEYS = ['store', 'ttl'] as const satisfies readonly (keyof WebHookDedupeOptions)[]

/** The receiver's options, resolved. */
export interface ResolvedReceiverOptions {
  /** The decoded secrets; undefined when requests are not verified. */
  keys: Uint8Array[] | undefined
  tolerance: number
  maxBodyBytes: number
  bodyTimeout: number
  orphanTtl: number
  /** The dedupe store; undefined when `dedupe: false`. */
  store: WebHookDedupeStore | undefined
  dedupeTtl: number
  telemetry: ReturnType<typeof createReceiverTelemetry>
  onOrphan: ((state: any) => void) | undefined
  onTest: ((state: any) => void) | undefined
  onError: ((state: any) => void) | undefined
}

export function resolveReceiverOptions(options: WebHookReceiverOptions<any>): ResolvedReceiverOptions {
  checkOptions(options)
  const dedupe = options.dedupe === false ? undefined : (options.dedupe ?? {})
  const store = dedupe && (dedupe.store ?? createMemoryDedupeStore())
  if (store !== undefined && (typeof store.has !== 'function' || typeof store.add !== 'function')) {
    throw new WebHookConfigError('ERR_WEB_HOOK_CONFIG_VALUE', 'dedupe.store', 'must have has(id) and add(id, ttl)')
  }
  return {
    // Checked and decoded once here; each request only computes and compares HMACs.
    keys: secretKeys(options),
    tolerance: optNonNegative(options.tolerance, 'tolerance', 300),
    maxBodyBytes: optPositiveInteger(options.maxBodyBytes, 'maxBodyBytes', 1024 * 1024),
    // Timers (the body's wait, the wait for a call's other half): Node's timers hold at most 2^31 − 1 ms.
    bodyTimeout: optDuration(options.bodyTimeout, 'bodyTimeout', 5000, 1),
    orphanTtl: optDuration(options.orphanTtl, 'orphanTtl', 3_600_000, 1),
    store,
    dedupeTtl: optPositiveInteger(dedupe?.ttl, 'dedupe.ttl', 86_400_000),
    telemetry: createReceiverTelemetry(options.telemetry),
    onOrphan: options.onOrphan,
    onTest: options.onTest,
    onError: options.onError,
  }
}

/**
 * The secrets, decoded, or undefined when the option is left out. A `secret` that is present but undefined, empty
 * or `[]` is an error, not "no verification": it is usually an unset environment variable, and must not turn checks off silently.
 */
function secretKeys(options: { secret?: unknown }): Uint8Array[] | undefined {
  if (!('secret' in options)) return undefined
  const { secret } = options
  const unset = 'is %s (is its environment variable set?); leave the option out to receive unsigned hooks'
  if (secret === undefined || secret === null) {
    throw new WebHookConfigError('ERR_WEB_HOOK_CONFIG_SECRET', 'secret', unset.replace('%s', String(secret)))
  }
  const secrets: unknown[] = Array.isArray(secret) ? secret : [secret]
  if (secrets.length === 0) {
    throw new WebHookConfigError('ERR_WEB_HOOK_CONFIG_SECRET', 'secret', unset.replace('%s', 'an empty list'))
  }
  return secrets.map((value, index) => {
    const key = typeof value === 'string' ? decodeSecret(value.trim()) : undefined
    if (key === undefined) {
      throw new WebHookConfigError(
        'ERR_WEB_HOOK_CONFIG_SECRET',
        Array.isArray(secret) ? `secret[${index}]` : 'secret',
        typeof value === 'string' && value.trim() === ''
          ? unset.replace('%s', 'empty')
          : 'is not a Standard Webhooks secret: expected "whsec_" followed by the base64 of 24 to 64 bytes'
      )
    }
    return key
  })
}

/** The options object itself: known keys only, callbacks that are functions, `dedupe` false or an object. */
function checkOptions(options: unknown): void {
  if (!isObject(options)) {
    throw new WebHookConfigError('ERR_WEB_HOOK_CONFIG_TYPE', '', 'createReceiver(options): options must be an object')
  }
  checkKnownKeys(options, RECEIVER_KEYS)
  for (const name of ['onOrphan', 'onTest', 'onError'] as const) optFunction(options[name], name)
  const { dedupe } = options
  if (isUnset(dedupe) || dedupe === false) return
  if (!isObject(dedupe)) {
    throw new WebHookConfigError(
      'ERR_WEB_HOOK_CONFIG_TYPE',
      'dedupe',
      `must be false or an object, got ${typeName(dedupe)}`
    )
  }
  checkKnownKeys(dedupe, DEDUPE_KEYS, 'dedupe.')
}
