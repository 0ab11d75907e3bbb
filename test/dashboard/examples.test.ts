/**
 * The dashboard examples, run: node:http behind Basic authentication, Express deriving its base path from the mount,
 * Fastify handing over the body it parsed, Hono through the fetch handler.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import Fastify from 'fastify'
import { dashboardApp } from '../../examples/dashboard-express.js'
import { dashboardRoutes } from '../../examples/dashboard-fastify.js'
import { dashboardApp as honoApp } from '../../examples/dashboard-hono.js'
import { createAdaptorServer } from '@hono/node-server'
import { dashboardServer } from '../../examples/dashboard-node.js'
import { withWebHooks } from '../../src/index.js'
import { onCleanup, track } from '../core/setup.js'

async function listen(server: Server): Promise<string> {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  onCleanup(() => {
    server.closeAllConnections()
    return new Promise(resolve => server.close(resolve))
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('dashboard examples', () => {
  it('examples/dashboard-node.ts: asks for the password, then serves the page and the API', async () => {
    const call = track(withWebHooks(async () => 1, { hooks: [] }))
    const origin = await listen(dashboardServer(call.webHooks, 's3cret'))
    const challenge = await fetch(`${origin}/admin/hooks/`)
    expect(challenge.status).toBe(401)
    expect(challenge.headers.get('www-authenticate')).toContain('Basic')
    const authorization = `Basic ${Buffer.from('admin:s3cret').toString('base64')}`
    const page = await fetch(`${origin}/admin/hooks/`, { headers: { authorization } })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<script src="app.js" defer>')
    const overview = await fetch(`${origin}/admin/hooks/api/overview`, { headers: { authorization } })
    expect((await overview.json()).endpoints).toEqual([])
    expect((await fetch(`${origin}/elsewhere`, { headers: { authorization } })).status).toBe(404)
  })

  it('examples/dashboard-express.ts: the base path comes from the mount point', async () => {
    const call = track(withWebHooks(async () => 1, { hooks: [] }))
    const app = dashboardApp(call.webHooks, req => req.headers['x-admin'] === 'yes')
    const origin = await listen(app.listen(0, '127.0.0.1'))
    const redirect = await fetch(`${origin}/admin/hooks`, { headers: { 'x-admin': 'yes' }, redirect: 'manual' })
    expect(redirect.headers.get('location')).toBe('/admin/hooks/')
    const page = await fetch(`${origin}/admin/hooks/`, { headers: { 'x-admin': 'yes' } })
    expect(page.headers.get('set-cookie')).toContain('Path=/admin/hooks/')
    const overview = await fetch(`${origin}/admin/hooks/api/overview`, { headers: { 'x-admin': 'yes' } })
    expect(overview.status).toBe(200)
    expect((await fetch(`${origin}/admin/hooks/api/overview`)).status).toBe(403)
  })

  it('examples/dashboard-fastify.ts: an action whose JSON body Fastify already parsed', async () => {
    const call = track(withWebHooks(async () => 1, { hooks: [] }))
    const app = Fastify()
    dashboardRoutes(app, call.webHooks, 'tok')
    onCleanup(() => app.close())
    const origin = await app.listen({ port: 0, host: '127.0.0.1' })
    expect((await fetch(`${origin}/admin/hooks/`)).status).toBe(403)
    const response = await fetch(`${origin}/admin/hooks/`, { headers: { cookie: 'admin=tok' } })
    const token = /name="rwh-csrf" content="([^"]+)"/.exec(await response.text())?.[1] ?? ''
    const nonce = (response.headers.get('set-cookie') ?? '').split(';')[0]
    const replay = await fetch(`${origin}/admin/hooks/api/dead-letters/replay`, {
      method: 'POST',
      headers: { cookie: `admin=tok; ${nonce}`, 'x-csrf-token': token, 'content-type': 'application/json' },
      body: JSON.stringify({ all: true }),
    })
    expect(await replay.json()).toEqual({ replayed: 0 })
  })

  it('examples/dashboard-hono.ts: through the fetch handler', async () => {
    const call = track(withWebHooks(async () => 1, { hooks: [] }))
    const origin = await listen(createAdaptorServer({ fetch: honoApp(call.webHooks, 'tok').fetch }) as Server)
    const authorization = 'Bearer tok'
    expect((await fetch(`${origin}/admin/hooks/api/overview`)).status).toBe(403)
    const overview = await fetch(`${origin}/admin/hooks/api/overview`, { headers: { authorization } })
    expect((await overview.json()).endpoints).toEqual([])
  })
})
