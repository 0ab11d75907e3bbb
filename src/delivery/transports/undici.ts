/**
 * The default transport on Node: undici's `dispatch` on a keep-alive pool per origin (an `Agent`), the
 * HTTP(S)_PROXY / NO_PROXY environment honoured as Xen Orchestra does, TLS verified, redirects not followed (the engine does, per `redirects`), and
 * the response body read up to a few KiB only. A plain dispatch handler instead of `request()` (no body stream) makes
 * it cheaper per POST than undici's `request` itself (docs/performance.md).
 */
import type { LookupFunction } from 'node:net'
import { Agent, type Dispatcher, EnvHttpProxyAgent, ProxyAgent } from 'undici'
import { MAX_RESPONSE_BODY } from '../options.js'
import type { WebHookTransport, WebHookTransportRequest, WebHookTransportResponse } from '../../contracts/delivery.js'
import { transportError } from './failure.js'
import { CollectingHandler } from './undici-handler.js'

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
   * when `safeUrls` is on. Through a proxy it is not used (the proxy resolves the target): the engine then resolves
   * and checks each target before its request.
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

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('This operation was aborted', 'AbortError')
}

const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']

function connectOptions(tls: WebHookTlsOptions, lookup: LookupFunction | undefined) {
  return {
    ...(tls.ca === undefined ? {} : { ca: tls.ca as string | Buffer | (string | Buffer)[] }),
    ...(tls.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
    ...(lookup === undefined ? {} : { lookup }),
  }
}

/**
 * Whether a transport made with these options sends through a proxy (an explicit one, or HTTP(S)_PROXY set). Its
 * `lookup` then only serves the targets that NO_PROXY sends direct: the others are resolved by the proxy.
 */
export function proxyInUse(options: Pick<WebHookUndiciTransportOptions, 'proxy' | 'dispatcher'> = {}): boolean {
  if (options.dispatcher !== undefined) return false
  const proxy = options.proxy ?? 'env'
  return proxy !== false && (proxy !== 'env' || PROXY_VARIABLES.some(name => process.env[name]))
}

function createDispatcher(options: WebHookUndiciTransportOptions, tls: WebHookTlsOptions): Dispatcher {
  const agentOptions = {
    connections: options.connections ?? 64,
    keepAliveTimeout: options.keepAliveTimeout ?? 4000,
    connect: connectOptions(tls, options.lookup),
  }
  if (!proxyInUse(options)) return new Agent(agentOptions)
  // Through a proxy, undici takes the TLS settings of the target's connection (inside the tunnel) from `requestTls`.
  const proxied = { ...agentOptions, requestTls: connectOptions(tls, undefined) }
  const proxy = options.proxy ?? 'env'
  if (proxy === 'env') return new EnvHttpProxyAgent(proxied)
  return new ProxyAgent({ ...proxied, uri: proxy as string })
}

/** Where a URL's requests go, as undici's `dispatch` takes it. */
interface Target {
  origin: string
  path: string
}

/** Origin and path of each URL seen, parsed once (hook URLs: a handful; forgotten past 1024). */
function targetCache(): (url: string) => Target {
  const targets = new Map<string, Target>()
  return url => {
    let target = targets.get(url)
    if (target === undefined) {
      const parsed = new URL(url)
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` }
      if (targets.size >= 1024) targets.clear()
      targets.set(url, target)
    }
    return target
  }
}

/** One request on `dispatcher`: its timeout, its abort signal, its answer collected (at most `max` body bytes). */
function dispatchOne(
  dispatcher: Dispatcher,
  { origin, path }: Target,
  request: WebHookTransportRequest,
  max: number
): Promise<WebHookTransportResponse> {
  const { timeout, signal, url } = request
  return new Promise<WebHookTransportResponse>((resolve, reject) => {
    // Long timeouts (XO's 10 s) use undici's own coarse timers (about 1 s resolution) on the wait for the headers
    // and then for the body: no timer nor listener of ours on the hot path. Short ones need a precise timer.
    let timer: ReturnType<typeof setTimeout> | undefined
    let timedOut = false
    let onAbort: (() => void) | undefined
    const done = () => {
      clearTimeout(timer)
      if (onAbort !== undefined) signal!.removeEventListener('abort', onAbort)
    }
    const handler = new CollectingHandler(
      response => {
        done()
        resolve(response)
      },
      error => {
        done()
        reject(transportError(error, url, timedOut))
      },
      max
    )
    if (timeout < COARSE_TIMEOUT) {
      timer = setTimeout(() => {
        timedOut = true
        handler.abort(new Error(`the receiver did not answer within ${timeout} ms`))
      }, timeout)
    }
    if (signal !== undefined) {
      if (signal.aborted) handler.abort(abortReason(signal))
      else {
        onAbort = () => handler.abort(abortReason(signal))
        signal.addEventListener('abort', onAbort, { once: true })
      }
    }
    dispatcher.dispatch(
      {
        origin,
        path,
        method: request.method,
        headers: request.headers,
        body: request.method === 'GET' ? null : request.body,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      },
      handler
    )
  })
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

  const targetOf = targetCache()

  function send(request: WebHookTransportRequest): Promise<WebHookTransportResponse> {
    const target = targetOf(request.url)
    const dispatcher = perOrigin.size === 0 ? main : (perOrigin.get(target.origin) ?? main)
    return dispatchOne(dispatcher, target, request, max)
  }

  return Object.assign(send, {
    async close() {
      // destroy, not close: requests still in flight at the end of the engine's drain are abandoned, not awaited.
      if (options.dispatcher === undefined) await main.destroy()
      await Promise.all([...perOrigin.values()].map(dispatcher => dispatcher.destroy()))
    },
  })
}
