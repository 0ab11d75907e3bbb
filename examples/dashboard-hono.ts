/**
 * The delivery dashboard in a Hono app: `dashboard.fetch` takes the Fetch API `Request` (`c.req.raw`), so the same
 * code runs on Node (@hono/node-server), Bun and Deno. Hono's own middleware checks the admin first.
 *
 * Run it: `ADMIN_TOKEN=… npx tsx examples/dashboard-hono.ts`, then open http://127.0.0.1:3008/admin/hooks/ with an
 * `authorization: Bearer <token>` header (a proxy or your login adds it).
 */
import { pathToFileURL } from 'node:url'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
// In your code: from 'rpc-web-hooks/dashboard' and 'rpc-web-hooks'
import { createDashboard } from '../src/dashboard/index.js'
import { type WebHooksController, withWebHooks } from '../src/index.js'

/** A Hono app with the dashboard of `webHooks` at /admin/hooks, for the bearer of `token`. */
export function dashboardApp(webHooks: WebHooksController, token: string): Hono {
  const dashboard = createDashboard(webHooks, {
    basePath: '/admin/hooks',
    authorize: ({ headers }) => headers.authorization === `Bearer ${token}`,
  })
  const app = new Hono()
  app.all('/admin/hooks', c => dashboard.fetch(c.req.raw))
  app.all('/admin/hooks/*', c => dashboard.fetch(c.req.raw))
  return app
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const token = process.env.ADMIN_TOKEN
  if (token === undefined) throw new Error('Set ADMIN_TOKEN')
  const rpc = withWebHooks(async (method: string, _params: unknown, _context: unknown) => `${method} done`, {
    hooks: [{ method: '*', type: 'post', url: 'http://127.0.0.1:3002/', format: 'json' }],
  })
  const app = dashboardApp(rpc.webHooks, token)
  serve({ fetch: app.fetch, port: 3008, hostname: '127.0.0.1' }, () =>
    console.log('dashboard on http://127.0.0.1:3008/admin/hooks/')
  )
}
