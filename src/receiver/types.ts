/**
 * Public types of the receiver (`createReceiver`): the receiver itself, handler states, the framework-free request and
 * response. Its options are in option-types.ts, the types of method patterns in pattern-types.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { WebHookPayloadError } from '../errors/payload-error.js'
import type { WebHookRequestError } from '../errors/request-error.js'
import type { WebHookVerificationError } from '../errors/verification-error.js'
import type {
  AnyWebHookMethods,
  WebHookMethodMap,
  WebHookPayload,
  WebHookPostPayload,
  WebHookPrePayload,
} from '../payload/types.js'
import type { WebHookCheckPattern, WebHookMatchedApi, WebHookMethodPattern } from './pattern-types.js'
import type { WebHookHeadersInput } from './signed-headers.js'

type Methods<Api> = keyof Api & string

/** What a handler is given. */
export interface WebHookHandlerState<Payload> {
  /** The payload, checked by `parseWebHookPayload` and typed by the method map. */
  payload: Payload
  /** The delivery id (`webhook-id` header), the same on every retry of one delivery; absent if not sent. */
  webHookId: string | undefined
  /** The request headers, names in lower case. */
  headers: Readonly<Record<string, string>>
}

/**
 * A pre handler's answer to a veto hook: `{ allow: false, reason }` refuses the call (403 with `{ "reason": … }`).
 * Returning nothing (or `{ allow: true }`) lets it go ahead (204).
 */
export interface WebHookVerdict {
  /** Whether the call may go ahead. */
  allow: boolean
  /** Why not; sent as `{ "reason": … }` and carried by the sender's `WebHookVetoError`. */
  reason?: string
}

/** A handler of pre payloads (or of both kinds): may return a {@link WebHookVerdict} or throw `deny(reason)`. */
export type WebHookPreHandler<Payload> = (
  state: WebHookHandlerState<Payload>
) => void | WebHookVerdict | Promise<void | WebHookVerdict>

/** A handler of post payloads; what it returns is ignored. */
export type WebHookPostHandler<Payload> = (state: WebHookHandlerState<Payload>) => unknown

/** Both halves of one call, given to `onCall` handlers; narrowing `method` narrows `pre` and `post` together. */
export type WebHookCallState<Api extends WebHookMethodMap<Api> = AnyWebHookMethods> = {
  [M in Methods<Api>]: {
    /** The id shared by both payloads. */
    callId: string
    /** The method called (as in both payloads). */
    method: M
    /** The payload sent before the call. */
    pre: WebHookPrePayload<Pick<Api, M>>
    /** The payload sent after it, with `result` or `error`. */
    post: WebHookPostPayload<Pick<Api, M>>
  }
}[Methods<Api>]

/** One half of a call whose other half did not arrive within `orphanTtl`; given to `onOrphan`. */
export type WebHookOrphanState<Api extends WebHookMethodMap<Api> = AnyWebHookMethods> =
  | { callId: string; pre: WebHookPrePayload<Api>; post?: undefined }
  | { callId: string; pre?: undefined; post: WebHookPostPayload<Api> }

/** Why a request was refused or failed; given to `onError`. */
export interface WebHookReceiverErrorState<Api extends WebHookMethodMap<Api> = AnyWebHookMethods> {
  /**
   * A `WebHookRequestError` (405, 413, 415), `WebHookVerificationError` (401, or 400 when the body is empty or not
   * JSON), `WebHookPayloadError` (400), or whatever a handler threw (500).
   */
  error: WebHookRequestError | WebHookVerificationError | WebHookPayloadError | Error
  /** The HTTP status answered. */
  status: number
  /** The payload, when the failure came after it was parsed (a handler's). */
  payload?: WebHookPayload<Api>
}

/** A request for the framework-free `handle`. */
export interface WebHookRequestInput {
  /** The raw body, exactly as received. */
  body: string | Uint8Array
  /** The request headers (`IncomingHttpHeaders`, a fetch `Headers`…). */
  headers: WebHookHeadersInput
  /**
   * The HTTP method; anything but `POST` is answered 405. Not checked when absent.
   */
  method?: string
}

/** The response to send, from the framework-free `handle`. */
export interface WebHookResponseOutput {
  /** 204 handled or duplicate, 400, 401, 403 denied, 405, 413, 415, 500. */
  status: number
  /** Response headers (`content-type` when there is a body). */
  headers: Record<string, string>
  /** The body: `''` on 204, `{ "reason": … }` on 403, `{ "error": code, "message": … }` otherwise. */
  body: string
}

/**
 * A web hook receiver, made by `createReceiver`. Registration methods return the receiver (chainable); `node`, `fetch`
 * and `handle` are bound, so they can be passed around as they are (`http.createServer(receiver.node)`).
 */
export interface WebHookReceiver<Api extends WebHookMethodMap<Api> = AnyWebHookMethods> {
  /**
   * Handles pre and post payloads of the methods matched by `pattern` (`vm.start`, `vm.*`, `*`). For a pre payload it
   * may refuse the call: return `{ allow: false, reason }` or throw `deny(reason)` (answered 403).
   * @example receiver.on('vm.*', ({ payload }) => console.log(payload.type, payload.method))
   */
  on<const Pattern extends WebHookMethodPattern<Api>>(
    pattern: Pattern & WebHookCheckPattern<Api, Pattern>,
    handler: WebHookPreHandler<WebHookPayload<WebHookMatchedApi<Api, Pattern>>>
  ): this
  /**
   * Handles pre payloads (of every method, or of those matched by `pattern`); may refuse the call (a veto):
   * return `{ allow: false, reason }` or throw `deny(reason)`.
   * @example receiver.onPre('vm.delete', ({ payload }) => (locked(payload.params.id) ? { allow: false, reason: 'locked' } : undefined))
   */
  onPre(handler: WebHookPreHandler<WebHookPrePayload<Api>>): this
  onPre<const Pattern extends WebHookMethodPattern<Api>>(
    pattern: Pattern & WebHookCheckPattern<Api, Pattern>,
    handler: WebHookPreHandler<WebHookPrePayload<WebHookMatchedApi<Api, Pattern>>>
  ): this
  /**
   * Handles post payloads (of every method, or of those matched by `pattern`), with `result` or `error`.
   * @example receiver.onPost('vm.start', ({ payload }) => ('error' in payload ? alert(payload.error) : undefined))
   */
  onPost(handler: WebHookPostHandler<WebHookPostPayload<Api>>): this
  onPost<const Pattern extends WebHookMethodPattern<Api>>(
    pattern: Pattern & WebHookCheckPattern<Api, Pattern>,
    handler: WebHookPostHandler<WebHookPostPayload<WebHookMatchedApi<Api, Pattern>>>
  ): this
  /**
   * Called once both halves of a call arrived (matched by `callId`, in either order) with
   * `{ callId, method, pre, post }`.
   * A half whose other half does not arrive within `orphanTtl` goes to `onOrphan` instead.
   * @example receiver.onCall(({ pre, post }) => audit(pre.userName, pre.method, post.duration))
   */
  onCall(handler: (state: WebHookCallState<Api>) => unknown): this
  /**
   * The framework-free core: give it the raw body and headers (and method), get the response to send.
   * @example const { status, headers, body } = await receiver.handle({ body: rawBody, headers: req.headers })
   */
  handle(request: WebHookRequestInput): Promise<WebHookResponseOutput>
  /**
   * A node:http request listener (also Express, Fastify's `reply.raw`/`request.raw`). Reads the raw body itself, or
   * uses `req.body` when a body parser left it as a Buffer or string (`express.raw({ type: 'application/json' })`).
   * @example http.createServer(receiver.node).listen(8080)
   */
  node(req: IncomingMessage & { body?: unknown }, res: ServerResponse): Promise<void>
  /**
   * A Fetch API handler: `Request` in, `Response` out (Hono, Bun, Deno, Cloudflare workers).
   * @example app.post('/hooks', c => receiver.fetch(c.req.raw))
   */
  fetch(request: Request): Promise<Response>
  /** Halves of calls waiting for their other half (see `onCall`). */
  readonly pending: number
  /** Forgets the halves waiting for their other half and stops their timers (they are not reported). */
  close(): void
}
