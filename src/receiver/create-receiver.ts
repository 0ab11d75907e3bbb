/**
 * `createReceiver`: verifies, parses, deduplicates and dispatches received web hooks to typed handlers, answers
 * vetoes, and pairs each call's pre and post. Framework-free at its core (`handle`), with node:http and fetch adapters.
 */
import { isObject, isUnset, MAX_DURATION, optFunction, typeName } from '../validation/check.js'
import { checkKnownKeys } from '../validation/known-keys.js'
import { WebHookConfigError } from '../errors/config-error.js'
import { WebHookDeniedError } from '../errors/denied-error.js'
import { WebHookPayloadError } from '../errors/payload-error.js'
import type { WebHookRequestError } from '../errors/request-error.js'
import { WebHookVerificationError } from '../errors/verification-error.js'
import { isWebHookError } from '../errors/web-hook-error.js'
import type { AnyWebHookMethods, WebHookMethodMap, WebHookPayload } from '../payload/types.js'
import { compileMethodPattern, isMethodPattern, METHOD_PATTERN_SYNTAX } from '../patterns/method-pattern.js'
import { decodeSecret } from '../security/secret.js'
import { createReceiverTelemetry, type ReceivedPayload } from '../telemetry/receiver.js'
import { createCorrelator } from './correlation.js'
import { createMemoryDedupeStore } from './dedupe.js'
import { createFetchAdapter } from './fetch.js'
import { checkRequest, errorResponse, jsonResponse, noContent, normalizeHeaders, tooLarge } from './http.js'
import { createNodeAdapter } from './node.js'
import { isWebHookTestPayload, parseWebHookPayload } from './parse.js'
import type { WebHookReceiver } from './receiver.js'
import type { ReceiverCore } from './core.js'
import type { WebHookDedupeOptions, WebHookReceiverOptions, WebHookResponseOutput } from './types.js'
import { verifyWithKeys } from './verify.js'

interface Handler {
  type: 'pre' | 'post' | undefined
  match: (method: string) => boolean
  fn: (state: any) => unknown
}

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

/** Verification failures that are the body's fault, not the signature's: 400 rather than 401. */
const BAD_BODY = new Set([
  'ERR_WEB_HOOK_VERIFY_EMPTY_BODY',
  'ERR_WEB_HOOK_VERIFY_NOT_JSON',
  'ERR_WEB_HOOK_VERIFY_BODY_TYPE',
])
const HANDLER_FAILED = 'A handler of this receiver failed (see its logs); retry later.'

/**
 * Creates a web hook receiver. Register handlers with `on`, `onPre`, `onPost` and `onCall`, then serve it with
 * `receiver.node` (node:http, Express, Fastify), `receiver.fetch` (Hono, Bun, Deno, workers) or `receiver.handle`.
 *
 * Answers: 204 handled (or a duplicate `webhook-id`, handlers not run again; or Xen Orchestra's test sample, given to
 * `onTest` only), 400 bad payload or not JSON, 401 bad
 * signature, 403 denied by a pre handler (`{ "reason": … }`), 405 not POST, 408 body not in within `bodyTimeout` (node adapter), 413 body over `maxBodyBytes`, 415 not
 * JSON, 500 a handler threw (so the sender retries).
 *
 * @typeParam Api - the method map typing `params` and `result` per method.
 * @throws WebHookConfigError when an option is invalid (`secret`, `maxBodyBytes`…).
 * @example
 * const receiver = createReceiver<MyApi>({ secret: process.env.WEBHOOK_SECRET })
 * receiver.onPost('vm.start', ({ payload }) => console.log(payload.params.id, payload.duration))
 * http.createServer(receiver.node).listen(8080)
 */
export function createReceiver<Api extends WebHookMethodMap<Api> = AnyWebHookMethods>(
  options: WebHookReceiverOptions<Api> = {}
): WebHookReceiver<Api> {
  checkOptions(options)
  // Checked and decoded once here; each request only computes and compares HMACs.
  const keys = secretKeys(options)
  const tolerance = positive(options.tolerance, 300, 'tolerance', true)
  const maxBodyBytes = positive(options.maxBodyBytes, 1024 * 1024, 'maxBodyBytes')
  const bodyTimeout = positive(options.bodyTimeout, 5000, 'bodyTimeout', false, MAX_DURATION)
  // A timer (the wait for a call's other half): Node's timers hold at most 2^31 − 1 ms.
  const orphanTtl = positive(options.orphanTtl, 3_600_000, 'orphanTtl', false, MAX_DURATION)
  const telemetry = createReceiverTelemetry(options.telemetry)
  const dedupe = options.dedupe === false ? undefined : (options.dedupe ?? {})
  const store = dedupe && (dedupe.store ?? createMemoryDedupeStore())
  const dedupeTtl = positive(dedupe?.ttl, 86_400_000, 'dedupe.ttl')
  if (store !== undefined && (typeof store.has !== 'function' || typeof store.add !== 'function')) {
    throw new WebHookConfigError('ERR_WEB_HOOK_CONFIG_VALUE', 'dedupe.store', 'must have has(id) and add(id, ttl)')
  }

  const handlers: Handler[] = []
  const callHandlers: Array<(state: any) => unknown> = []
  const inFlight = new Map<string, Promise<WebHookResponseOutput>>()
  const correlator = createCorrelator(orphanTtl, orphan => safely(() => options.onOrphan?.(orphan as any)))

  const report = (error: unknown, status: number, payload?: WebHookPayload) => {
    const state = { error: error instanceof Error ? error : new Error(String(error)), status }
    safely(() => options.onError?.(payload === undefined ? state : ({ ...state, payload } as any)))
  }
  const refuse = (error: WebHookRequestError | WebHookVerificationError | WebHookPayloadError, status: number) => {
    report(error, status)
    return errorResponse(status, error.code, error.message)
  }

  const run = async (payload: WebHookPayload, webHookId: string | undefined, headers: Record<string, string>) => {
    const state = { payload, webHookId, headers }
    let denial: string | undefined
    try {
      for (const handler of handlers) {
        if ((handler.type !== undefined && handler.type !== payload.type) || !handler.match(payload.method)) continue
        const answer = await handler.fn(state)
        if (payload.type === 'pre' && isRefusal(answer)) {
          denial = typeof answer.reason === 'string' && answer.reason !== '' ? answer.reason : 'denied'
          break
        }
      }
    } catch (error) {
      if (!isDenied(error)) {
        report(error, 500, payload)
        return errorResponse(500, 'ERR_WEB_HOOK_HANDLER', HANDLER_FAILED)
      }
      denial = error.reason
    }
    if (callHandlers.length > 0) {
      const pair = correlator.add(payload)
      if (pair !== undefined) {
        try {
          for (const handler of callHandlers) await handler({ callId: payload.callId, method: payload.method, ...pair })
        } catch (error) {
          correlator.restore(payload.type === 'pre' ? pair.post : pair.pre)
          report(error, 500, payload)
          return errorResponse(500, 'ERR_WEB_HOOK_HANDLER', HANDLER_FAILED)
        }
      }
    }
    return denial === undefined ? noContent() : jsonResponse(403, { reason: denial })
  }

  const deduplicated = (payload: WebHookPayload, id: string, headers: Record<string, string>) => {
    // Concurrent copies of one delivery share the first one's answer.
    const running = inFlight.get(id)
    if (running !== undefined) return running
    const promise = (async () => {
      if (await store!.has(id)) return noContent({ 'webhook-duplicate': 'true' })
      const response = await run(payload, id, headers)
      // Only what succeeded is remembered: a failed or denied delivery is handled again when retried.
      if (response.status < 300) await store!.add(id, dedupeTtl)
      return response
    })().finally(() => inFlight.delete(id))
    inFlight.set(id, promise)
    return promise
  }

  /** `process` with the telemetry's hook: told the payload once parsed (names the receiver's span). */
  type Process = (
    body: string | Uint8Array,
    headers: Record<string, string>,
    mark?: (payload: ReceivedPayload) => void
  ) => Promise<WebHookResponseOutput>
  const core: Omit<ReceiverCore, 'process'> & { process: Process } = {
    maxBodyBytes,
    bodyTimeout,
    verifies: keys !== undefined,
    precheck(method, headers) {
      const error = checkRequest(method, headers)
      return error && refuse(error, error.status)
    },
    refuse: error => refuse(error, error.status),
    async process(body, headers, mark?: (payload: ReceivedPayload) => void) {
      let payload: WebHookPayload
      const id = headers['webhook-id']
      try {
        const value = keys ? verifyWithKeys(body, headers, keys, tolerance) : parseJson(body)
        if (isWebHookTestPayload(value)) {
          safely(() => options.onTest?.({ payload: value, webHookId: id, headers }))
          return noContent()
        }
        payload = parseWebHookPayload(value)
        mark?.(payload)
      } catch (error) {
        if (error instanceof WebHookVerificationError) return refuse(error, BAD_BODY.has(error.code) ? 400 : 401)
        if (error instanceof WebHookPayloadError) return refuse(error, 400)
        throw error
      }
      try {
        return store === undefined || id === undefined || id === ''
          ? await run(payload, id, headers)
          : await deduplicated(payload, id, headers)
      } catch (error) {
        // The dedupe store failed (a handler's failure is answered inside run).
        report(error, 500, payload)
        return errorResponse(500, 'ERR_WEB_HOOK_HANDLER', HANDLER_FAILED)
      }
    },
  }

  if (telemetry !== undefined) {
    // Telemetry (issue 14): the handlers run in a SERVER span that continues the sender's trace.
    const untraced = core.process
    core.process = (body, headers) => telemetry.serve(headers, mark => untraced(body, headers, mark))
  }

  const register = (type: Handler['type'], where: string, args: unknown[]) => {
    const [pattern, fn] = args.length >= 2 ? args : ['*', args[0]]
    if (typeof fn !== 'function') {
      throw new WebHookConfigError('ERR_WEB_HOOK_CONFIG_TYPE', `${where}(handler)`, 'the handler must be a function')
    }
    if (!isMethodPattern(pattern)) {
      throw new WebHookConfigError(
        'ERR_WEB_HOOK_CONFIG_VALUE',
        `${where}(pattern)`,
        `expected ${METHOD_PATTERN_SYNTAX}, got ${JSON.stringify(pattern)}`
      )
    }
    const { test } = compileMethodPattern(pattern)
    handlers.push({ type, match: test, fn: fn as Handler['fn'] })
  }

  const receiver: WebHookReceiver<Api> = {
    on(pattern: unknown, handler: unknown) {
      register(undefined, 'on', [pattern, handler])
      return receiver
    },
    onPre(...args: unknown[]) {
      register('pre', 'onPre', args)
      return receiver
    },
    onPost(...args: unknown[]) {
      register('post', 'onPost', args)
      return receiver
    },
    onCall(handler: unknown) {
      if (typeof handler !== 'function') {
        throw new WebHookConfigError('ERR_WEB_HOOK_CONFIG_TYPE', 'onCall(handler)', 'the handler must be a function')
      }
      callHandlers.push(handler as (state: any) => unknown)
      return receiver
    },
    async handle(input) {
      const headers = normalizeHeaders(input.headers)
      const refused = core.precheck(input.method, headers)
      if (refused !== undefined) return refused
      const size = typeof input.body === 'string' ? Buffer.byteLength(input.body) : input.body.byteLength
      if (size > maxBodyBytes) return core.refuse(tooLarge(maxBodyBytes))
      return core.process(input.body, headers)
    },
    node: createNodeAdapter(core),
    fetch: createFetchAdapter(core),
    get pending() {
      return correlator.size
    },
    close() {
      correlator.clear()
    },
  } as WebHookReceiver<Api>
  return receiver
}

function isRefusal(answer: unknown): answer is { allow: false; reason?: unknown } {
  return typeof answer === 'object' && answer !== null && (answer as { allow?: unknown }).allow === false
}

function isDenied(error: unknown): error is WebHookDeniedError {
  return error instanceof WebHookDeniedError || (isWebHookError(error) && error.code === 'ERR_WEB_HOOK_DENIED')
}

function parseJson(body: string | Uint8Array): unknown {
  try {
    return JSON.parse(typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: true }).decode(body))
  } catch (cause) {
    throw new WebHookPayloadError(
      'ERR_WEB_HOOK_PAYLOAD_NOT_JSON',
      '',
      'The body is not JSON (or not UTF-8): the sender must send application/json.',
      { cause }
    )
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

function positive(value: number | undefined, fallback: number, path: string, zero = false, max = Infinity): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!zero && value === 0) || value > max) {
    const range = max === Infinity ? '' : ` and at most ${max} (2^31 − 1 ms, about 24.8 days, the longest Node timer)`
    throw new WebHookConfigError(
      'ERR_WEB_HOOK_CONFIG_VALUE',
      path,
      `must be a number > 0${range}, got ${String(value)}`
    )
  }
  return value
}

function safely(fn: () => void): void {
  try {
    fn()
  } catch {
    // A throwing logging callback must not change the answer.
  }
}
