/**
 * `createReceiver`: verifies, parses, deduplicates and dispatches received web hooks to typed handlers, answers
 * vetoes, and pairs each call's pre and post. One request flow (`flow.ts`) serves the three adapters: `handle`,
 * `node` (node:http) and `fetch`, which only supply the body and headers and write the answer.
 */
import { WebHookPayloadError } from '../errors/payload-error.js'
import type { WebHookRequestError } from '../errors/request-error.js'
import { WebHookVerificationError } from '../errors/verification-error.js'
import type { AnyWebHookMethods, WebHookMethodMap, WebHookPayload } from '../payload/types.js'
import type { ReceivedPayload } from '../telemetry/receiver.js'
import { Handlers, handlerFailed, type Report, safely } from './dispatch.js'
import { createFetchAdapter } from './fetch.js'
import { createRequestFlow } from './flow.js'
import { errorResponse, noContent } from './http.js'
import { createNodeAdapter } from './node.js'
import { type ResolvedReceiverOptions, resolveReceiverOptions } from './options.js'
import { isWebHookTestPayload, parseWebHookPayload } from './parse.js'
import type { WebHookReceiverOptions } from './option-types.js'
import type { WebHookReceiver, WebHookResponseOutput } from './types.js'
import { verifyWithKeys } from './verify.js'

/** Verification failures that are the body's fault, not the signature's: 400 rather than 401. */
const BAD_BODY = new Set([
  'ERR_WEB_HOOK_VERIFY_EMPTY_BODY',
  'ERR_WEB_HOOK_VERIFY_NOT_JSON',
  'ERR_WEB_HOOK_VERIFY_BODY_TYPE',
])

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
  const resolved = resolveReceiverOptions(options)
  const report: Report = (error, status, payload) => {
    const state = { error: error instanceof Error ? error : new Error(String(error)), status }
    safely(() => resolved.onError?.(payload === undefined ? state : { ...state, payload }))
  }
  const handlers = new Handlers(resolved.orphanTtl, resolved.onOrphan, report)
  const refuse = (error: WebHookRequestError | WebHookVerificationError | WebHookPayloadError, status: number) => {
    report(error, status)
    return errorResponse(status, error.code, error.message)
  }
  const untraced = createProcess(resolved, handlers, refuse, report)
  const { telemetry } = resolved
  const serve = createRequestFlow({
    maxBodyBytes: resolved.maxBodyBytes,
    bodyTimeout: resolved.bodyTimeout,
    verifies: resolved.keys !== undefined,
    refuse: error => refuse(error, error.status),
    // Telemetry (issue 14): the handlers run in a SERVER span that continues the sender's trace.
    process:
      telemetry === undefined
        ? (body, headers) => untraced(body, headers)
        : (body, headers) => telemetry.serve(headers, mark => untraced(body, headers, mark)),
  })

  const receiver: WebHookReceiver<Api> = {
    on(pattern: unknown, handler: unknown) {
      handlers.register(undefined, 'on', [pattern, handler])
      return receiver
    },
    onPre(...args: unknown[]) {
      handlers.register('pre', 'onPre', args)
      return receiver
    },
    onPost(...args: unknown[]) {
      handlers.register('post', 'onPost', args)
      return receiver
    },
    onCall(handler: unknown) {
      handlers.onCall(handler)
      return receiver
    },
    async handle(input) {
      const { response } = await serve({
        method: input.method,
        headers: input.headers,
        body: { kind: 'raw', value: input.body },
      })
      return response
    },
    node: createNodeAdapter(serve),
    fetch: createFetchAdapter(serve),
    get pending() {
      return handlers.pending
    },
    close() {
      handlers.close()
    },
  } as WebHookReceiver<Api>
  return receiver
}

type Refuse = (error: WebHookVerificationError | WebHookPayloadError, status: number) => WebHookResponseOutput

/**
 * Verifies (or parses, unsigned), deduplicates on `webhook-id` and dispatches one body. `mark` is the telemetry's
 * hook, told the payload once parsed (it names the receiver's span).
 */
function createProcess(resolved: ResolvedReceiverOptions, handlers: Handlers, refuse: Refuse, report: Report) {
  const { keys, tolerance, store, dedupeTtl } = resolved
  const inFlight = new Map<string, Promise<WebHookResponseOutput>>()

  const deduplicated = (payload: WebHookPayload, id: string, headers: Record<string, string>) => {
    // Concurrent copies of one delivery share the first one's answer.
    const running = inFlight.get(id)
    if (running !== undefined) return running
    const promise = (async () => {
      if (await store!.has(id)) return noContent({ 'webhook-duplicate': 'true' })
      const response = await handlers.run(payload, id, headers)
      // Only what succeeded is remembered: a failed or denied delivery is handled again when retried.
      if (response.status < 300) await store!.add(id, dedupeTtl)
      return response
    })().finally(() => inFlight.delete(id))
    inFlight.set(id, promise)
    return promise
  }

  return async (
    body: string | Uint8Array,
    headers: Record<string, string>,
    mark?: (payload: ReceivedPayload) => void
  ): Promise<WebHookResponseOutput> => {
    let payload: WebHookPayload
    const id = headers['webhook-id']
    try {
      const value = keys ? verifyWithKeys(body, headers, keys, tolerance) : parseJson(body)
      if (isWebHookTestPayload(value)) {
        safely(() => resolved.onTest?.({ payload: value, webHookId: id, headers }))
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
        ? await handlers.run(payload, id, headers)
        : await deduplicated(payload, id, headers)
    } catch (error) {
      // The dedupe store failed (a handler's failure is answered inside run).
      report(error, 500, payload)
      return handlerFailed()
    }
  }
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
