/** The page's calls to its dashboard: relative URLs (the page is served at the base path), the CSRF token on actions. */
import type { Overview } from '../views.js'

export type { Overview, OverviewEndpoint } from '../views.js'
export type { WebHookAttemptRecord } from '../../delivery/history-types.js'

function meta(name: string): string {
  return document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? ''
}

export const csrfToken = meta('rwh-csrf')
export const readOnly = meta('rwh-read-only') === 'true'

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

async function answer<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as { error?: string; message?: string }
  if (!response.ok) throw new ApiError(body.error ?? `HTTP ${response.status}`, body.message ?? response.statusText)
  return body as T
}

export async function get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, value)
  const search = params.size === 0 ? '' : `?${params}`
  return answer<T>(await fetch(`api/${path}${search}`, { credentials: 'same-origin' }))
}

export async function post<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`api/${path}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
    body: JSON.stringify(body),
  })
  return answer<T>(response)
}

/** The live overview: calls `onOverview` on each push; the browser reconnects by itself. */
export function subscribe(onOverview: (overview: Overview) => void, onState: (live: boolean) => void): () => void {
  const source = new EventSource('api/events')
  source.addEventListener('overview', event => onOverview(JSON.parse((event as MessageEvent<string>).data)))
  source.addEventListener('open', () => onState(true))
  source.addEventListener('error', () => onState(false))
  return () => source.close()
}
