/**
 * The delivery dashboard in a Fastify app: every method under /admin/hooks goes to `dashboard.node` with Fastify's raw
 * request and reply. Fastify has already parsed an action's JSON body: it is handed over as `body`.
 *
 * Run it: `ADMIN_TOKEN=… npx tsx examples/dashboard-fastify.ts`, then open http://127.0.0.1:3007/admin/hooks/ with
 * a cookie `admin=<token>` (your login sets it).
 */
import { pathToFileURL } from 'node:url'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
// In your code: from 'rpc-web-hooks/dashboard' and 'rpc-web-hooks'
import { createDashboard } from '../src/dashboard/index.js'
import { type WebHooksController, withWebHooks } from '../src/index.js'

/** Registers the dashboard of `webHooks` at /admin/hooks, for requests whose `admin` cookie holds `token`. */
export function dashboardRoutes(app: FastifyInstance, webHooks: WebHooksController, token: string): void {
  const dashboard = createDashboard(webHooks, {
    basePath: '/admin/hooks',
    authorize: ({ headers }) => (headers.cookie ?? '').split(/;\s*/).includes(`admin=${token}`),
  })
  const handler = (request: FastifyRequest, reply: FastifyReply) => {
    // The dashboard writes the answer itself, on the raw response.
    reply.hijack()
    return dashboard.node(Object.assign(request.raw, { body: request.body }), reply.raw)
  }
  app.all('/admin/hooks', handler)
  app.all('/admin/hooks/*', handler)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const token = process.env.ADMIN_TOKEN
  if (token === undefined) throw new Error('Set ADMIN_TOKEN')
  const rpc = withWebHooks(async (method: string, _params: unknown, _context: unknown) => `${method} done`, {
    hooks: [{ method: '*', type: 'post', url: 'http://127.0.0.1:3002/', format: 'json' }],
  })
  const app = Fastify()
  dashboardRoutes(app, rpc.webHooks, token)
  await app.listen({ port: 3007, host: '127.0.0.1' })
  console.log('dashboard on http://127.0.0.1:3007/admin/hooks/')
}
