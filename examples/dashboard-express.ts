/**
 * The delivery dashboard in an Express app: mounted with `app.use(path, …)`, it takes its base path from
 * `req.baseUrl`. Your own session middleware decides who is an admin; `authorize` reads what it set.
 *
 * Run it: `npx tsx examples/dashboard-express.ts`, then open http://127.0.0.1:3006/admin/hooks/
 */
import type { IncomingMessage } from 'node:http'
import { pathToFileURL } from 'node:url'
import express, { type Express } from 'express'
// In your code: from 'rpc-web-hooks/dashboard' and 'rpc-web-hooks'
import { createDashboard } from '../src/dashboard/index.js'
import { type WebHooksController, withWebHooks } from '../src/index.js'

/** An app with the dashboard at /admin/hooks for requests `isAdmin` accepts. */
export function dashboardApp(webHooks: WebHooksController, isAdmin: (req: IncomingMessage) => boolean): Express {
  const dashboard = createDashboard(webHooks, {
    authorize: ({ request }) => isAdmin(request as IncomingMessage),
  })
  const app = express()
  app.use('/admin/hooks', (req, res) => void dashboard.node(req, res))
  return app
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rpc = withWebHooks(async (method: string, _params: unknown, _context: unknown) => `${method} done`, {
    hooks: [{ method: '*', type: 'post', url: 'http://127.0.0.1:3002/', format: 'json' }],
  })
  // Here: only from this machine. In your app: your session's admin flag.
  const app = dashboardApp(rpc.webHooks, req => req.socket.remoteAddress === '127.0.0.1')
  app.listen(3006, '127.0.0.1', () => console.log('dashboard on http://127.0.0.1:3006/admin/hooks/'))
}
