/**
 * The delivery dashboard on plain node:http, at /admin/hooks, behind HTTP Basic authentication (the browser asks for
 * the password; `authorize` checks it again on every request).
 *
 * Run it: `ADMIN_PASSWORD=… npx tsx examples/dashboard-node.ts`, then open http://127.0.0.1:3005/admin/hooks/
 */
import { timingSafeEqual } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { pathToFileURL } from 'node:url'
// In your code: from 'rpc-web-hooks/dashboard' and 'rpc-web-hooks'
import { createDashboard } from '../src/dashboard/index.js'
import { type WebHooksController, withWebHooks } from '../src/index.js'

/** Whether an `authorization` header carries `admin:<password>`. */
function isAdmin(authorization: string | undefined, password: string): boolean {
  const expected = Buffer.from(`Basic ${Buffer.from(`admin:${password}`).toString('base64')}`)
  const given = Buffer.from(authorization ?? '')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** A server with the dashboard of `webHooks` at /admin/hooks, for the admin with this password. */
export function dashboardServer(webHooks: WebHooksController, password: string): Server {
  const dashboard = createDashboard(webHooks, {
    basePath: '/admin/hooks',
    authorize: ({ headers }) => isAdmin(headers.authorization, password),
  })
  return createServer((req, res) => {
    if (!req.url?.startsWith('/admin/hooks')) {
      res.writeHead(404).end()
    } else if (!isAdmin(req.headers.authorization, password)) {
      // 401 with a challenge: the browser asks for the password (the dashboard itself answers 403).
      res.writeHead(401, { 'www-authenticate': 'Basic realm="web hooks"' }).end()
    } else {
      void dashboard.node(req, res)
    }
  })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const password = process.env.ADMIN_PASSWORD
  if (password === undefined) throw new Error('Set ADMIN_PASSWORD')
  const rpc = withWebHooks(async (method: string, _params: unknown, _context: unknown) => `${method} done`, {
    hooks: [{ method: '*', type: 'post', url: process.env.HOOK_URL ?? 'http://127.0.0.1:3002/', format: 'json' }],
  })
  setInterval(() => void rpc('vm.start', { id: 'vm-1' }, undefined), 2000).unref()
  const port = Number(process.env.PORT ?? 3005)
  dashboardServer(rpc.webHooks, password).listen(port, '127.0.0.1', () =>
    console.log(`dashboard on http://127.0.0.1:${port}/admin/hooks/ (user admin)`)
  )
}
