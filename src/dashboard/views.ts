/**
 * What the dashboard's JSON routes answer, built from the controller's public `stats()`, `history()` and
 * `deadLetters()`: URLs without credentials, error codes and messages, bodies already redacted; never a header or a
 * secret (the controller has none to give).
 */
import type { WebHookAttemptOutcome, WebHookEndpointHistory, WebHookHistory } from '../delivery/history-types.js'
import type { WebHookEndpointStats } from '../contracts/delivery.js'
import type { WebHooksController } from '../web-hooks-controller.js'
import { fail } from './http.js'

export const OUTCOMES: readonly WebHookAttemptOutcome[] = ['delivered', 'retry', 'failed', 'gone', 'vetoed']
/** Delivery ids are nanoids or the ids a store gave; anything else is refused before any look-up. */
const ID = /^[A-Za-z0-9_.:-]{1,128}$/
const MAX_LIMIT = 1000

export interface OverviewEndpoint
  extends Pick<WebHookEndpointStats, 'queued' | 'inFlight' | 'spilled' | 'breaker' | 'gone' | 'delivered' | 'failed'> {
  url: string
  p50: number
  p99: number
  pausedUntil?: number
  last5m?: WebHookEndpointHistory['last5m']
  last1h?: WebHookEndpointHistory['last1h']
  series?: Omit<WebHookEndpointHistory['series'], 'start'>
  lastError?: WebHookEndpointHistory['lastError']
}

export interface Overview {
  at: number
  readOnly: boolean
  history: boolean
  queued: number
  dropped: number
  /** The first second of every endpoint's series, ms since the epoch. */
  seriesStart: number
  endpoints: OverviewEndpoint[]
}

/** Every endpoint the engine knows, with its live state (stats) and its recent figures (history). */
export function overview(webHooks: WebHooksController, readOnly: boolean): Overview {
  const stats = webHooks.stats()
  const history: WebHookHistory = webHooks.history({ limit: 0 })
  const endpoints: OverviewEndpoint[] = []
  for (const [url, endpoint] of Object.entries(stats.endpoints)) {
    const recent = history.endpoints[url]
    const item: OverviewEndpoint = {
      url,
      breaker: endpoint.breaker,
      gone: endpoint.gone,
      queued: endpoint.queued,
      inFlight: endpoint.inFlight,
      spilled: endpoint.spilled,
      delivered: endpoint.delivered,
      failed: endpoint.failed,
      p50: endpoint.latency.p50,
      p99: endpoint.latency.p99,
      ...(endpoint.pausedUntil === undefined ? {} : { pausedUntil: endpoint.pausedUntil }),
    }
    if (recent !== undefined) {
      const { start: _, ...series } = recent.series
      Object.assign(item, { last5m: recent.last5m, last1h: recent.last1h, series })
      if (recent.lastError !== undefined) item.lastError = recent.lastError
    }
    endpoints.push(item)
  }
  endpoints.sort((a, b) => a.url.localeCompare(b.url))
  const seriesStart = (Math.floor(history.at / 1000) - 299) * 1000
  return {
    at: history.at,
    readOnly,
    history: history.enabled,
    queued: stats.queued,
    dropped: stats.dropped,
    seriesStart,
    endpoints,
  }
}

function limitOf(query: URLSearchParams, fallback: number): number {
  const raw = query.get('limit')
  if (raw === null) return fallback
  const limit = Number(raw)
  if (!/^\d+$/.test(raw) || limit < 1 || limit > MAX_LIMIT) {
    fail('ERR_WEB_HOOK_DASHBOARD_BAD_REQUEST', 400, `limit must be an integer from 1 to ${MAX_LIMIT}, got "${raw}"`)
  }
  return limit
}

/** `GET api/attempts?url=&method=&outcome=&limit=`: an endpoint's recent attempts, newest first. */
export function attempts(webHooks: WebHooksController, query: URLSearchParams) {
  const outcome = query.get('outcome')
  if (outcome !== null && !OUTCOMES.includes(outcome as WebHookAttemptOutcome)) {
    fail(
      'ERR_WEB_HOOK_DASHBOARD_BAD_REQUEST',
      400,
      `outcome must be one of ${OUTCOMES.join(', ')}, got "${outcome.slice(0, 40)}"`
    )
  }
  const url = query.get('url')
  const method = query.get('method')
  const history = webHooks.history({
    limit: limitOf(query, 200),
    ...(url === null ? {} : { url }),
    ...(method === null || method === '' ? {} : { method }),
    ...(outcome === null ? {} : { outcome: outcome as WebHookAttemptOutcome }),
  })
  return { enabled: history.enabled, attempts: history.attempts }
}

export function checkId(id: string): string {
  if (!ID.test(id)) {
    fail(
      'ERR_WEB_HOOK_DASHBOARD_BAD_REQUEST',
      400,
      `"${id.slice(0, 40)}" is not a delivery id (1 to 128 letters, digits, _ . : -)`
    )
  }
  return id
}

/** `GET api/deliveries/:id`: a delivery's attempts (newest first) and its body, while the history keeps them. */
export function delivery(webHooks: WebHooksController, id: string) {
  const history = webHooks.history({ deliveryId: checkId(id), limit: MAX_LIMIT })
  if (history.attempts.length === 0 && history.body === undefined) {
    fail(
      'ERR_WEB_HOOK_DASHBOARD_NOT_FOUND',
      404,
      `No delivery ${id} in the history (it keeps the last ${history.size}).`
    )
  }
  return { id, attempts: history.attempts, ...(history.body === undefined ? {} : { body: history.body }) }
}

/** `GET api/dead-letters`: the store's dead letters, newest first, without their bodies. */
export async function deadLetters(webHooks: WebHooksController, query: URLSearchParams) {
  const letters = await webHooks.deadLetters({ limit: limitOf(query, 500) })
  return {
    deadLetters: letters
      .map(({ body: _, traceparent: __, endpoint: ___, ...letter }) => letter)
      .sort((a, b) => b.failedAt - a.failedAt),
  }
}

/** `POST api/dead-letters/replay` with `{ "ids": [...] }` or `{ "all": true }`. */
export async function replay(webHooks: WebHooksController, body: string) {
  let input: unknown
  try {
    input = JSON.parse(body)
  } catch {
    fail('ERR_WEB_HOOK_DASHBOARD_BAD_REQUEST', 400, 'The body must be JSON: { "ids": ["…"] } or { "all": true }')
  }
  const { ids, all } = (typeof input === 'object' && input !== null ? input : {}) as { ids?: unknown; all?: unknown }
  if (all === true && ids === undefined) return { replayed: await webHooks.replay() }
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_LIMIT || all !== undefined) {
    fail(
      'ERR_WEB_HOOK_DASHBOARD_BAD_REQUEST',
      400,
      `The body must be { "ids": [1 to ${MAX_LIMIT} delivery ids] } or { "all": true }`
    )
  }
  for (const id of ids)
    if (typeof id !== 'string') fail('ERR_WEB_HOOK_DASHBOARD_BAD_REQUEST', 400, 'ids must be strings')
  return { replayed: await webHooks.replay((ids as string[]).map(checkId)) }
}
