/**
 * `normalizeConfig`: validates a public configuration once and resolves every default, so that nothing downstream
 * checks an option again. Errors are `WebHookConfigError`s with a stable code and the path of the bad field.
 */
import { breakerSettings, historySettings, queueSettings } from './normalize-engine.js'
import { createSafeUrlPolicy } from '../security/safe-url.js'
import type { WebHookDeliveryEventMap } from '../contracts/delivery.js'
import { checkTelemetry } from '../telemetry/check.js'
import type { WebHookErrorEvent, WebHookLogger, WebHooksConfig } from './types.js'
import {
  fail,
  isObject,
  isUnset,
  optBoolean,
  optFunction,
  optPositiveInteger,
  optStringArray,
  typeName,
} from '../validation/check.js'
import { DEFAULT_DELIVERY, type ResolvedDeliveryOptions, resolveDeliveryOptions } from './normalize-delivery.js'
import type { ResolvedConfig, ResolvedHook } from './normalized.js'
import { resolveRedact } from './normalize-redact.js'
import { endpointOf, stripCredentials } from './display-url.js'
import { checkKnownKeys } from '../validation/known-keys.js'
import {
  BREAKER_KEYS,
  HISTORY_KEYS,
  CONFIG_KEYS,
  EVENT_NAMES,
  HOOK_KEYS,
  QUEUE_KEYS,
  retryElsewhere,
  SAFE_URL_KEYS,
} from './option-keys.js'

/** Default `maxPayloadBytes`: 1 MiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024

const TYPES = { pre: [true, false], post: [false, true], 'pre/post': [true, true] } as const

/** A hook's URL, checked: an absolute http(s) URL, or a `WebHookConfigError` (`ERR_WEB_HOOK_CONFIG_URL`…). */
export function resolveUrl(value: unknown, path: string): URL {
  if (isUnset(value) || value === '')
    fail('ERR_WEB_HOOK_CONFIG_MISSING', path, 'is required: the URL hooks are sent to')
  if (typeof value !== 'string') fail('ERR_WEB_HOOK_CONFIG_TYPE', path, `must be a string, got ${typeName(value)}`)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    // The URL may carry credentials: do not print it.
    fail('ERR_WEB_HOOK_CONFIG_URL', path, 'is not a valid absolute URL (expected e.g. "https://hooks.example/xo")')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail('ERR_WEB_HOOK_CONFIG_URL', path, `must be an http or https URL, got the protocol "${url.protocol}"`)
  }
  return url
}

function resolveMethod(value: unknown, path: string): string {
  if (isUnset(value))
    fail('ERR_WEB_HOOK_CONFIG_MISSING', path, 'is required: a method name (vm.start) or a pattern (vm.*, *)')
  if (typeof value !== 'string') fail('ERR_WEB_HOOK_CONFIG_TYPE', path, `must be a string, got ${typeName(value)}`)
  if (value === '')
    fail('ERR_WEB_HOOK_CONFIG_VALUE', path, 'must not be empty: a method name (vm.start) or a pattern (vm.*, *)')
  return value
}

function resolveHook(value: unknown, index: number, defaults: ResolvedDeliveryOptions): ResolvedHook {
  const at = `hooks[${index}]`
  if (!isObject(value)) fail('ERR_WEB_HOOK_CONFIG_TYPE', at, `must be an object, got ${typeName(value)}`)
  checkKnownKeys(value, HOOK_KEYS, `${at}.`, retryElsewhere(`${at}.`))
  const method = resolveMethod(value.method, `${at}.method`)
  const exclude = optStringArray(value.exclude, `${at}.exclude`)

  const { type } = value
  if (isUnset(type)) fail('ERR_WEB_HOOK_CONFIG_MISSING', `${at}.type`, 'is required: "pre", "post" or "pre/post"')
  if (typeof type !== 'string')
    fail('ERR_WEB_HOOK_CONFIG_TYPE', `${at}.type`, `must be a string, got ${typeName(type)}`)
  if (!Object.hasOwn(TYPES, type)) {
    fail('ERR_WEB_HOOK_CONFIG_VALUE', `${at}.type`, `Unknown type: ${type} (expected "pre", "post" or "pre/post")`)
  }
  const [pre, post] = TYPES[type as keyof typeof TYPES]

  const url = resolveUrl(value.url, `${at}.url`)
  const displayUrl = stripCredentials(url)

  const format = isUnset(value.format) ? 'json' : value.format
  if (typeof format !== 'string')
    fail('ERR_WEB_HOOK_CONFIG_TYPE', `${at}.format`, `must be a string, got ${typeName(format)}`)
  if (format !== 'json' && format !== 'office365') {
    fail('ERR_WEB_HOOK_CONFIG_VALUE', `${at}.format`, `Unknown format: ${format} (expected "json" or "office365")`)
  }

  // XO's form shows waitForResponse for every type and XO ignores it on post hooks: so do we (no error).
  const waitForResponse = optBoolean(value.waitForResponse, `${at}.waitForResponse`, false) && pre
  const veto = optBoolean(value.veto, `${at}.veto`, false)
  if (veto && !pre) {
    fail(
      'ERR_WEB_HOOK_CONFIG_VALUE',
      `${at}.veto`,
      'is only for pre hooks: set type to "pre" (or "pre/post"), or remove veto'
    )
  }
  const failOpen = optBoolean(value.failOpen, `${at}.failOpen`, false)
  const delivery = resolveDeliveryOptions(value, `${at}.`, `${at} (${displayUrl})`, defaults)

  return {
    index,
    method,
    pattern: method.includes('*'),
    exclude,
    pre,
    post,
    url: url.href,
    displayUrl,
    endpoint: endpointOf(url),
    format,
    waitForResponse,
    veto,
    failOpen,
    ...delivery,
    // Waited deliveries make one attempt unless this hook asks for retries itself (issue #12, item 2).
    waitedRetry: isUnset(value.retry) ? false : delivery.retry,
  }
}

function resolveLogger(value: unknown): WebHookLogger | undefined {
  if (isUnset(value)) return undefined
  if (!isObject(value) || typeof value.warn !== 'function' || typeof value.error !== 'function') {
    fail('ERR_WEB_HOOK_CONFIG_TYPE', 'logger', 'must be an object with warn and error methods (console, pino…)')
  }
  return value as unknown as WebHookLogger
}

function checkObjectOption(
  config: Record<string, unknown>,
  key: string,
  allowBoolean: 'false' | 'any' | 'no',
  known: readonly string[]
): void {
  const value = config[key]
  if (isUnset(value)) return
  if (isObject(value)) {
    checkKnownKeys(value, known, `${key}.`)
    return
  }
  if (allowBoolean === 'any' && typeof value === 'boolean') return
  if (allowBoolean === 'false' && value === false) return
  const expected =
    allowBoolean === 'any' ? 'a boolean or an object' : allowBoolean === 'false' ? 'false or an object' : 'an object'
  fail('ERR_WEB_HOOK_CONFIG_TYPE', key, `must be ${expected}, got ${typeName(value)}`)
}

/** What the engine calls on every store; `release`, `run`, `open` and `close` are optional. */
const STORE_METHODS = ['enqueue', 'lease', 'ack', 'retryAt', 'deadLetter', 'listDeadLetters', 'takeDeadLetters']
const STORE_OPTIONAL_METHODS = ['open', 'release', 'run', 'close']

function checkStore(store: unknown): void {
  if (isUnset(store)) return
  if (typeof store !== 'object')
    fail('ERR_WEB_HOOK_CONFIG_TYPE', 'store', `must be a store object, got ${typeName(store)}`)
  const record = store as Record<string, unknown>
  const missing = STORE_METHODS.filter(name => typeof record[name] !== 'function')
  const wrong = STORE_OPTIONAL_METHODS.filter(name => !isUnset(record[name]) && typeof record[name] !== 'function')
  if (missing.length > 0 || wrong.length > 0) {
    fail(
      'ERR_WEB_HOOK_CONFIG_VALUE',
      'store',
      `is not a store: ${[...missing, ...wrong].join(', ')} must be ${missing.length + wrong.length > 1 ? 'functions' : 'a function'}. ` +
        'Use sqliteStore() from rpc-web-hooks/sqlite or bullmqStore() from rpc-web-hooks/bullmq, or leave it out'
    )
  }
}

/**
 * Validates `config` and resolves its defaults. Throws a `WebHookConfigError` on the first bad field.
 *
 * @example normalizeConfig({ hooks: [{ method: 'vm.start', type: 'pre', url: 'https://hooks.example/' }] })
 */
export function normalizeConfig(config: WebHooksConfig): ResolvedConfig {
  if (!isObject(config)) fail('ERR_WEB_HOOK_CONFIG', '', `The configuration must be an object, got ${typeName(config)}`)
  const source = config as unknown as Record<string, unknown>
  checkKnownKeys(source, CONFIG_KEYS, '', retryElsewhere(''))
  if (isUnset(source.hooks))
    fail('ERR_WEB_HOOK_CONFIG_MISSING', 'hooks', 'is required: an array of hooks (it may be empty)')
  if (!Array.isArray(source.hooks))
    fail('ERR_WEB_HOOK_CONFIG_TYPE', 'hooks', `must be an array, got ${typeName(source.hooks)}`)

  const defaults = resolveDeliveryOptions(source, '', 'the configuration', DEFAULT_DELIVERY)
  const hooks = source.hooks.map((hook, index) => resolveHook(hook, index, defaults))

  checkObjectOption(source, 'queue', 'no', QUEUE_KEYS)
  checkObjectOption(source, 'breaker', 'false', BREAKER_KEYS)
  checkObjectOption(source, 'history', 'false', HISTORY_KEYS)
  checkObjectOption(source, 'safeUrls', 'any', SAFE_URL_KEYS)
  checkObjectOption(source, 'on', 'no', EVENT_NAMES)
  if (isObject(source.on)) {
    for (const [event, listener] of Object.entries(source.on)) optFunction(listener, `on.${event}`)
  }
  checkStore(source.store)
  optFunction(source.transport, 'transport')
  const safeUrls = isUnset(source.safeUrls) ? undefined : config.safeUrls

  return {
    hooks,
    user: optFunction<WebHooksConfig['user']>(source.user, 'user'),
    onError: optFunction<(event: WebHookErrorEvent) => void>(source.onError, 'onError'),
    logger: resolveLogger(source.logger),
    includeErrorStack: optBoolean(source.includeErrorStack, 'includeErrorStack', false),
    maxPayloadBytes: optPositiveInteger(source.maxPayloadBytes, 'maxPayloadBytes', DEFAULT_MAX_PAYLOAD_BYTES),
    redact: resolveRedact(source.redact),
    on: resolveListeners(source.on),
    transport: config.transport,
    store: config.store,
    // Validated here with the rest, so that `configure()` refuses a bad value before anything changes.
    queue: queueSettings(isUnset(source.queue) ? undefined : config.queue),
    breaker: breakerSettings(isUnset(source.breaker) ? undefined : config.breaker),
    history: historySettings(isUnset(source.history) ? undefined : config.history),
    safeUrls: createSafeUrlPolicy(safeUrls),
    safeUrlsKey: safeUrlsKey(safeUrls),
    telemetry: checkTelemetry(source.telemetry),
  }
}

/** The `on` listeners given (validated above), as pairs; unset ones left out. */
function resolveListeners(on: unknown): ResolvedConfig['on'] {
  if (!isObject(on)) return []
  return Object.entries(on).filter((entry): entry is [keyof WebHookDeliveryEventMap, (event: never) => void] => {
    return typeof entry[1] === 'function'
  })
}

/** What makes two `safeUrls` options the same policy (the allow-list, the lookup function); undefined when off. */
function safeUrlsKey(safeUrls: WebHooksConfig['safeUrls']): ResolvedConfig['safeUrlsKey'] {
  if (!safeUrls) return undefined
  const options = safeUrls === true ? {} : safeUrls
  return { allow: JSON.stringify(options.allow ?? []), lookup: options.lookup }
}
