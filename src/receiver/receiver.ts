import type { IncomingMessage, ServerResponse } from 'node:http'
import type {
  AnyWebHookMethods,
  WebHookMethodMap,
  WebHookPayload,
  WebHookPostPayload,
  WebHookPrePayload,
} from '../payload/types.js'
import type {
  WebHookCallState,
  WebHookCheckPattern,
  WebHookMatchedApi,
  WebHookMethodPattern,
  WebHookPostHandler,
  WebHookPreHandler,
  WebHookRequestInput,
  WebHookResponseOutput,
} from './types.js'

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
