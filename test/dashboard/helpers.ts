/**
 * Shared fixtures of the dashboard tests: a wrapped dispatcher whose hooks go to loopback receivers, and its dashboard
 * served on 127.0.0.1 (port 0) by node:http, all closed after the test.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'
import { createDashboard, type WebHookDashboard, type WebHookDashboardOptions } from '../../src/dashboard/index.js'
import { type WebHooksConfig, type WebHooksController, withWebHooks } from '../../src/index.js'
import { onCleanup, receiver, track } from '../core/setup.js'

export interface ServedDashboard {
  /** The page's URL (base path and trailing slash). */
  url: string
  origin: string
  dashboard: WebHookDashboard
}

/** The two adapters, for the tables every HTTP behaviour runs over. */
export const ADAPTERS = ['node', 'fetch'] as const
export type Adapter = (typeof ADAPTERS)[number]

/**
 * Serves `createDashboard(webHooks, options)` at `basePath` (default `/hooks`): its `node` handler with node:http, or
 * its `fetch` handler through @hono/node-server.
 */
export async function serveDashboard(
  webHooks: WebHooksController,
  options: Partial<WebHookDashboardOptions> = {},
  basePath = '/hooks',
  adapter: Adapter = 'node'
): Promise<ServedDashboard> {
  const dashboard = createDashboard(webHooks, { authorize: 'none', basePath, ...options })
  const server =
    adapter === 'node'
      ? createServer((req, res) => void dashboard.node(req, res))
      : (createAdaptorServer({ fetch: dashboard.fetch }) as Server)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  onCleanup(async () => {
    dashboard.close()
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  })
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { url: `${origin}${basePath}/`, origin, dashboard }
}

/** The page's CSRF token and the cookie that goes with it, as a browser would hold them. */
export async function session(url: string): Promise<{ token: string; cookie: string }> {
  const response = await fetch(url)
  const html = await response.text()
  const token = /name="rwh-csrf" content="([^"]+)"/.exec(html)?.[1] ?? ''
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  return { token, cookie }
}

/** Polls `check` every 10 ms until it holds (no wall-clock assertion: only a generous bound). */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

const retry = { retries: 1, minDelay: 5, maxDelay: 5, jitter: false }

/**
 * A dispatcher with a healthy endpoint (`vm.start` → `ok`) and a failing one (`vm.stop` → `bad`, answering 500, with
 * URL credentials, a secret and a header that must never reach the page); one call of each made, settled.
 */
export async function twoEndpoints(config: Partial<WebHooksConfig> = {}) {
  const ok = await receiver()
  const bad = await receiver(() => ({ status: 500 }))
  const call = track(
    withWebHooks(async () => 1, {
      ...config,
      hooks: [
        { method: 'vm.start', type: 'pre', url: `${ok.url}/ok`, format: 'json' },
        {
          method: 'vm.stop',
          type: 'pre',
          url: `http://admin:hunter2@127.0.0.1:${bad.port}/bad`,
          format: 'json',
          secret: 'whsec_dGhpcyBpcyBhIHNlY3JldCBrZXkgb2YgMzIgYnl0ZXM=',
          headers: { 'x-api-key': 'header-value-never-shown' },
          retry,
        },
      ],
    })
  )
  await call('vm.start', {}, undefined)
  await call('vm.stop', {}, undefined)
  await until(() => call.webHooks.stats().endpoints[`${bad.url}/bad`]?.failed === 1)
  await ok.waitFor(1)
  return { ok, bad, call }
}
