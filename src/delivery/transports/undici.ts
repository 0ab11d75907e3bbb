/**
 * The default transport on Node: undici's `request` on a keep-alive pool per origin (an `Agent`), the
 * HTTP(S)_PROXY / NO_PROXY environment honoured as Xen Orchestra does, TLS verified, redirects never followed, and
 * the response body read up to a few KiB only. Issue 3 measured it about 5x Node's fetch on loopback.
 */
import type { LookupFunction } from 'node:net'
import { Agent, type Dispatcher, EnvHttpProxyAgent, ProxyAgent, request as undiciRequest } from 'undici'
import { WebHookDeliveryError } from '../../errors/delivery-error.js'
import { MAX_RESPONSE_BODY } from '../options.js'
import type { WebHookTransport, WebHookTransportRequest, WebHookTransportResponse } from '../types.js'

/** TLS settings of a connection. */
export interface WebHookTlsOptions {
  /** Extra certificate authorities (PEM), e.g. a private CA of the receivers. @default the system's */
  ca?: string | Buffer | readonly (string | Buffer)[]
  /**
   * Verify the receiver's certificate. Turning it off makes the connection open to interception: only for tests.
   * @default true
   */
  rejectUnauthorized?: boolean
}

/** Options of {@link undiciTransport}. */
export interface WebHookUndiciTransportOptions extends WebHookTlsOptions {
  /**
   * Keep-alive connections per origin at most (the engine's per-endpoint `concurrency` also bounds requests).
   * @default 64
   */
  connections?: number
  /**
   * How long an idle connection is kept open, ms.
   * @default 4000
   */
  keepAliveTimeout?: number
  /**
   * `'env'`: use HTTP_PROXY / HTTPS_PROXY / NO_PROXY (either case) when set; `false`: never a proxy; a URL: this
   * proxy for every request.
   * @default 'env'
   * @example 'http://proxy.internal:3128'
   */
  proxy?: 'env' | false | string
  /**
   * TLS settings per origin, for receivers signed by a private CA (or, in tests, self-signed), e.g.
   * `{ 'https://hooks.internal:8443': { ca: readFileSync('ca.pem') } }`.
   * @default {}
   */
  origins?: Readonly<Record<string, WebHookTlsOptions>>
  /**
   * Resolves host names at connect time (node:dns `lookup` signature). The engine sets it to the safe-URL check
   * when `safeUrls` is on. Through a proxy, the proxy's address is the one resolved.
   * @default lookup from node:dns
   */
  lookup?: LookupFunction
  /**
   * Most characters of a response body kept (the rest is discarded unread).
   * @default 4096
   */
  maxResponseBody?: number
  /** Your own undici dispatcher (Agent, Pool, ProxyAgent…); the options above that build one are then ignored. */
  dispatcher?: Dispatcher
}

/** A transport that holds connections: `close()` ends them, aborting requests still in flight. */
export type WebHookClosableTransport = WebHookTransport & { close(): Promise<void> }

/** Timeouts from this many ms on are left to undici's coarse timers. */
const COARSE_TIMEOUT = 5000

const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']

function connectOptions(tls: WebHookTlsOptions, lookup: LookupFunction | undefined) {
  return {
    ...(tls.ca === undefined ? {} : { ca: tls.ca as string | Buffer | (string | Buffer)[] }),
    ...(tls.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
    ...(lookup === undefined ? {} : { lookup }),
  }
}

function createDispatcher(options: WebHookUndiciTransportOptions, tls: WebHookTlsOptions): Dispatcher {
  const agentOptions = {
    connections: options.connections ?? 64,
    keepAliveTimeout: options.keepAliveTimeout ?? 4000,
    connect: connectOptions(tls, options.lookup),
  }
  const proxy = options.proxy ?? 'env'
  if (proxy === false || (proxy === 'env' && !PROXY_VARIABLES.some(name => process.env[name]))) {
    return new Agent(agentOptions)
  }
  if (proxy === 'env') return new EnvHttpProxyAgent(agentOptions)
  return new ProxyAgent({ ...agentOptions, uri: proxy })
}

async function readBody(body: Dispatcher.ResponseData['body'], max: number, length: number): Promise<string> {
  if (length >= 0 && length <= 65_536) return (await body.text()).slice(0, max)
  let text = ''
  let received = 0
  for await (const chunk of body) {
    if (text.length < max) text += (chunk as Buffer).toString('utf8', 0, Math.min((chunk as Buffer).length, max))
    received += (chunk as Buffer).length
    // Do not read a huge body to the end; losing this connection is cheaper.
    if (received > 65_536) break
  }
  return text.length > max ? text.slice(0, max) : text
}

/**
 * The default transport on Node, built on undici: a keep-alive connection pool per origin, the proxy environment
 * honoured, TLS verified, no redirect followed, response bodies capped. The timeout bounds the wait for the headers, then
 * for the body (as Xen Orchestra's); from 5 s on it is enforced by undici's timers, to within about a second. `close()` ends its connections, aborting requests in flight (the engine calls it
 * at the end of its own `close()` when it made the transport itself).
 *
 * @example
 * withWebHooks(dispatch, { hooks, transport: undiciTransport({ proxy: false, connections: 16 }) })
 * @example
 * undiciTransport({ origins: { 'https://hooks.internal:8443': { ca: readFileSync('internal-ca.pem') } } })
 */
export function undiciTransport(options: WebHookUndiciTransportOptions = {}): WebHookClosableTransport {
  const max = options.maxResponseBody ?? MAX_RESPONSE_BODY
  const main = options.dispatcher ?? createDispatcher(options, options)
  const perOrigin = new Map<string, Dispatcher>()
  for (const [origin, tls] of Object.entries(options.origins ?? {})) {
    perOrigin.set(new URL(origin).origin, createDispatcher(options, { ...options, ...tls }))
  }

  async function send(request: WebHookTransportRequest): Promise<WebHookTransportResponse> {
    const { timeout } = request
    let { signal } = request
    const dispatcher = perOrigin.size === 0 ? main : (perOrigin.get(new URL(request.url).origin) ?? main)
    // Long timeouts (XO's 10 s) use undici's own coarse timers (about 1 s resolution) on the wait for the headers and
    // then for the body: no timer nor AbortController of ours on the hot path. Short ones need a precise timer.
    let timer: ReturnType<typeof setTimeout> | undefined
    let timedOut = false
    if (timeout < COARSE_TIMEOUT) {
      const controller = new AbortController()
      const outer = signal
      outer?.addEventListener('abort', () => controller.abort(outer.reason), { once: true })
      timer = setTimeout(() => {
        timedOut = true
        controller.abort()
      }, timeout)
      signal = controller.signal
    }
    try {
      const options: Parameters<typeof undiciRequest>[1] = {
        dispatcher,
        method: 'POST',
        headers: request.headers,
        body: request.body,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      }
      if (signal !== undefined) options.signal = signal
      const response = await undiciRequest(request.url, options)
      // Multi-valued headers come as arrays; only `retry-after` is read, and it is single-valued.
      const headers = response.headers as Record<string, string | undefined>
      const length = Number(headers['content-length'] ?? -1)
      const body = await readBody(response.body, max, Number.isNaN(length) ? -1 : length)
      return { status: response.statusCode, headers, body }
    } catch (error) {
      const code = (error as { code?: unknown }).code
      if (timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
        throw new WebHookDeliveryError('ERR_WEB_HOOK_DELIVERY_TIMEOUT', { url: request.url, cause: error })
      }
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  return Object.assign(send, {
    async close() {
      // destroy, not close: requests still in flight at the end of the engine's drain are abandoned, not awaited.
      if (options.dispatcher === undefined) await main.destroy()
      await Promise.all([...perOrigin.values()].map(dispatcher => dispatcher.destroy()))
    },
  })
}
