/** Public types of the dashboard (`rpc-web-hooks/dashboard`). */
import type { IncomingMessage, ServerResponse } from 'node:http'

/** What `authorize` is given: the request, as the adapter got it, and its headers (lower-case names). */
export interface WebHookDashboardAuthorizeState {
  /** The raw request: a node:http `IncomingMessage` (node adapter) or a fetch `Request` (fetch adapter). */
  request: IncomingMessage | Request
  /** Lower-case header names; repeated headers joined with `, `. */
  headers: Record<string, string>
  method: string
  /** The path under the dashboard's base path, e.g. `/api/overview`. */
  path: string
}

/** Options of `createDashboard`. */
export interface WebHookDashboardOptions {
  /**
   * Who may see the dashboard: called for every request, `true` lets it through, anything else answers 403. It is an
   * admin surface (it shows every endpoint and replays dead letters): check the session or credentials your server
   * uses. `'none'` lets everyone in, for a dashboard reachable only from a private network; it must be said explicitly.
   *
   * @example authorize: ({ headers }) => headers.authorization === `Bearer ${process.env.ADMIN_TOKEN}`
   */
  authorize: ((state: WebHookDashboardAuthorizeState) => boolean | Promise<boolean>) | 'none'
  /**
   * The path the dashboard is mounted under, e.g. `/admin/hooks`. Without it: Express's `req.baseUrl` when mounted
   * with `app.use(path, dashboard.node)`, else the root.
   */
  basePath?: string
  /**
   * Show, never act: no replay button, and every action answers 403 (`ERR_WEB_HOOK_DASHBOARD_READ_ONLY`).
   * @default false
   */
  readOnly?: boolean
}

/** The dashboard's handlers, bound: mount either. */
export interface WebHookDashboard {
  /** For node:http, Express and Fastify (`reply.raw` / `request.raw`). */
  node(req: IncomingMessage & { baseUrl?: string; originalUrl?: string }, res: ServerResponse): Promise<void>
  /** For fetch runtimes and frameworks: Hono, Bun, Deno, workers. */
  fetch(request: Request): Promise<Response>
  /** Ends the live streams and stops the dashboard's timer (also done when the web hooks close). */
  close(): void
}
