import { once } from 'node:events'
import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createDashboard, WebHookDashboardError } from '../../src/dashboard/index.js'
import { WebHookConfigError, withWebHooks } from '../../src/index.js'
import { receiver, track } from '../core/setup.js'
import { ADAPTERS, serveDashboard, session, twoEndpoints, until } from './helpers.js'

describe('createDashboard options', () => {
  it('requires authorize (a function or explicit none)', () => {
    const call = track(withWebHooks(async () => 1, { hooks: [] }))
    const make = () => createDashboard(call.webHooks, {} as never)
    expect(make).toThrow(WebHookConfigError)
    expect(make).toThrow(/authorize: is required: the dashboard is an admin surface/)
    expect(() => createDashboard(call.webHooks, { authorize: true } as never)).toThrow(WebHookConfigError)
    expect(() => createDashboard(call.webHooks, { authorize: 'none' })).not.toThrow()
  })

  it('refuses a bad basePath, readOnly and something that is not a controller', () => {
    const call = track(withWebHooks(async () => 1, { hooks: [] }))
    for (const basePath of ['hooks', '/hooks/', 'http://x/hooks', '/a b']) {
      expect(() => createDashboard(call.webHooks, { authorize: 'none', basePath })).toThrow(/basePath: must be a path/)
    }
    expect(() => createDashboard(call.webHooks, { authorize: 'none', readOnly: 'yes' as never })).toThrow(/readOnly/)
    expect(() => createDashboard({} as never, { authorize: 'none' })).toThrow(/pass `rpc.webHooks`/)
  })
})

describe.each(ADAPTERS)('dashboard over HTTP (%s adapter)', adapter => {
  it('serves the page with strict security headers, a CSRF cookie and no inline script', async () => {
    const call = track(withWebHooks(async () => 1, { hooks: [] }))
    const { url } = await serveDashboard(call.webHooks, {}, '/hooks', adapter)
    const redirect = await fetch(url.slice(0, -1), { redirect: 'manual' })
    expect(redirect.status).toBe(308)
    expect(redirect.headers.get('location')).toBe('/hooks/')
    const response = await fetch(url)
    expect(response.status).toBe(200)
    const csp = response.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-inline')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('x-frame-options')).toBe('DENY')
    expect(response.headers.get('set-cookie')).toMatch(
      /^rwh_dashboard_csrf=[\w-]{43}; Path=\/hooks\/; HttpOnly; SameSite=Strict$/
    )
    const html = await response.text()
    expect(html).toMatch(/<meta name="rwh-csrf" content="[\w-]{43}">/)
    expect(html.match(/<script[^>]*>/g)).toEqual(['<script src="app.js" defer>'])
    expect(html).not.toMatch(/<style|\son\w+=/)
    for (const [asset, type] of [
      ['app.js', 'text/javascript'],
      ['app.css', 'text/css'],
    ] as const) {
      const file = await fetch(url + asset)
      expect(file.status).toBe(200)
      expect(file.headers.get('content-type')).toContain(type)
      expect(file.headers.get('x-content-type-options')).toBe('nosniff')
      expect((await file.text()).length).toBeGreaterThan(1000)
    }
  })

  it('shows endpoints, attempts and deliveries, never a secret, a header value or URL credentials', async () => {
    const { ok, bad, call } = await twoEndpoints()
    const { url } = await serveDashboard(call.webHooks, {}, '/hooks', adapter)
    const overview = await (await fetch(`${url}api/overview`)).json()
    expect(overview.endpoints.map((e: { url: string }) => e.url)).toEqual([`${ok.url}/ok`, `${bad.url}/bad`].sort())
    const failing = overview.endpoints.find((e: { url: string }) => e.url === `${bad.url}/bad`)
    expect(failing).toMatchObject({ failed: 1, delivered: 0, last5m: { failed: 1, attempts: 2 } })
    expect(failing.lastError.code).toBe('ERR_WEB_HOOK_DELIVERY_STATUS')
    const attempts = await (await fetch(`${url}api/attempts?url=${encodeURIComponent(`${bad.url}/bad`)}`)).json()
    expect(attempts.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['failed', 'retry'])
    const filtered = await (await fetch(`${url}api/attempts?outcome=retry&method=vm.stop`)).json()
    expect(filtered.attempts).toHaveLength(1)
    const id = attempts.attempts[0].deliveryId
    const delivery = await (await fetch(`${url}api/deliveries/${id}`)).json()
    expect(delivery.attempts).toHaveLength(2)
    expect(JSON.parse(delivery.body).method).toBe('vm.stop')
    const letters = await (await fetch(`${url}api/dead-letters`)).json()
    expect(letters.deadLetters.map((l: { id: string }) => l.id)).toEqual([id])
    const everything = JSON.stringify([overview, attempts, delivery, letters])
    for (const secret of ['hunter2', 'admin:', 'whsec_', 'header-value-never-shown', 'x-api-key']) {
      expect(everything).not.toContain(secret)
    }
  })

  it.each([
    ['an unknown route', 'api/nope', 404, 'ERR_WEB_HOOK_DASHBOARD_NOT_FOUND'],
    ['a path outside the base path', '../elsewhere', 404, 'ERR_WEB_HOOK_DASHBOARD_NOT_FOUND'],
    ['a path that only starts like the base path', '../hooksapp.js', 404, 'ERR_WEB_HOOK_DASHBOARD_NOT_FOUND'],
    ['a bad delivery id', 'api/deliveries/%3Cscript%3E', 400, 'ERR_WEB_HOOK_DASHBOARD_BAD_REQUEST'],
    ['an unknown delivery', 'api/deliveries/abc', 404, 'ERR_WEB_HOOK_DASHBOARD_NOT_FOUND'],
    ['a bad outcome', 'api/attempts?outcome=maybe', 400, 'ERR_WEB_HOOK_DASHBOARD_BAD_REQUEST'],
    ['a bad limit', 'api/attempts?limit=-3', 400, 'ERR_WEB_HOOK_DASHBOARD_BAD_REQUEST'],
    ['a too large limit', 'api/dead-letters?limit=100000', 400, 'ERR_WEB_HOOK_DASHBOARD_BAD_REQUEST'],
  ])('answers %s with a clear JSON error', async (_, path, status, code) => {
    const call = track(withWebHooks(async () => 1, { hooks: [] }))
    const { url, origin } = await serveDashboard(call.webHooks, {}, '/hooks', adapter)
    const response = await fetch(path.startsWith('../') ? `${origin}/${path.slice(3)}` : url + path)
    expect(response.status).toBe(status)
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    const body = await response.json()
    expect(body.error).toBe(code)
    expect(body.message.length).toBeGreaterThan(10)
    // Nothing else broke: the dashboard still answers.
    expect((await fetch(`${url}api/overview`)).status).toBe(200)
  })

  it('refuses actions without the CSRF token, with a wrong one, from another origin, and by the wrong method', async () => {
    const call = track(withWebHooks(async () => 1, { hooks: [] }))
    const { url, origin } = await serveDashboard(call.webHooks, {}, '/hooks', adapter)
    const { token, cookie } = await session(url)
    const replay = `${url}api/dead-letters/replay`
    const body = JSON.stringify({ all: true })
    const post = (headers: Record<string, string>, data = body) =>
      fetch(replay, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: data })
    const refusal = async (response: Response) => [response.status, (await response.json()).error]

    expect(await refusal(await post({}))).toEqual([403, 'ERR_WEB_HOOK_DASHBOARD_CSRF'])
    expect(await refusal(await post({ 'x-csrf-token': token }))).toEqual([403, 'ERR_WEB_HOOK_DASHBOARD_CSRF'])
    expect(await refusal(await post({ 'x-csrf-token': `${token.slice(1)}x`, cookie }))).toEqual([
      403,
      'ERR_WEB_HOOK_DASHBOARD_CSRF',
    ])
    expect(await refusal(await post({ 'x-csrf-token': token, cookie, origin: 'http://evil.example' }))).toEqual([
      403,
      'ERR_WEB_HOOK_DASHBOARD_CROSS_ORIGIN',
    ])
    expect(await refusal(await post({ 'x-csrf-token': token, cookie, 'sec-fetch-site': 'cross-site' }))).toEqual([
      403,
      'ERR_WEB_HOOK_DASHBOARD_CROSS_ORIGIN',
    ])
    const get = await fetch(replay)
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    const postOnRead = await fetch(`${url}api/overview`, { method: 'POST' })
    expect(postOnRead.status).toBe(405)
    expect((await postOnRead.json()).error).toBe('ERR_WEB_HOOK_DASHBOARD_METHOD')
    const big = await post({ 'x-csrf-token': token, cookie }, JSON.stringify({ ids: ['x'.repeat(20_000)] }))
    expect(await refusal(big)).toEqual([413, 'ERR_WEB_HOOK_DASHBOARD_TOO_LARGE'])
    expect(await refusal(await post({ 'x-csrf-token': token, cookie }, '{"ids": 3}'))).toEqual([
      400,
      'ERR_WEB_HOOK_DASHBOARD_BAD_REQUEST',
    ])
    expect(await refusal(await post({ 'x-csrf-token': token, cookie }, 'not json'))).toEqual([
      400,
      'ERR_WEB_HOOK_DASHBOARD_BAD_REQUEST',
    ])
    const accepted = await post({ 'x-csrf-token': token, cookie, origin, 'sec-fetch-site': 'same-origin' })
    expect(accepted.status).toBe(200)
    expect(await accepted.json()).toEqual({ replayed: 0 })
  })

  it('replays a dead letter by id and the receiver gets it', async () => {
    const { bad, call } = await twoEndpoints()
    const { url } = await serveDashboard(call.webHooks, {}, '/hooks', adapter)
    const { token, cookie } = await session(url)
    const [letter] = await call.webHooks.deadLetters()
    bad.respond(() => undefined)
    const before = bad.requests.length
    const response = await fetch(`${url}api/dead-letters/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': token, cookie },
      body: JSON.stringify({ ids: [letter!.id] }),
    })
    expect(await response.json()).toEqual({ replayed: 1 })
    const [again] = (await bad.waitFor(before + 1)).slice(before)
    expect(again!.headers['webhook-id']).toBe(letter!.id)
    expect(await call.webHooks.deadLetters()).toEqual([])
  })

  it('readOnly refuses actions; authorize false gives 403 everywhere; authorize sees the request', async () => {
    const call = track(withWebHooks(async () => 1, { hooks: [] }))
    const readOnly = await serveDashboard(call.webHooks, { readOnly: true }, '/ro', adapter)
    const { token, cookie } = await session(readOnly.url)
    const refused = await fetch(`${readOnly.url}api/dead-letters/replay`, {
      method: 'POST',
      headers: { 'x-csrf-token': token, cookie },
      body: '{"all":true}',
    })
    expect([refused.status, (await refused.json()).error]).toEqual([403, 'ERR_WEB_HOOK_DASHBOARD_READ_ONLY'])
    expect((await (await fetch(`${readOnly.url}api/overview`)).json()).readOnly).toBe(true)

    const seen: string[] = []
    const locked = await serveDashboard(
      call.webHooks,
      {
        authorize: async ({ headers, path, method }) => {
          seen.push(`${method} ${path}`)
          return headers.authorization === 'Bearer letmein'
        },
      },
      '/locked',
      adapter
    )
    for (const path of ['', 'app.js', 'api/overview', 'api/events', 'api/nope']) {
      const response = await fetch(locked.url + path)
      expect([response.status, (await response.json()).error]).toEqual([403, 'ERR_WEB_HOOK_DASHBOARD_FORBIDDEN'])
    }
    const allowed = await fetch(`${locked.url}api/overview`, { headers: { authorization: 'Bearer letmein' } })
    expect(allowed.status).toBe(200)
    expect(seen).toContain('GET /api/overview')
  })

  it('streams the overview (text/event-stream) and ends the stream when the web hooks close', async () => {
    const rx = await receiver()
    const call = track(
      withWebHooks(async () => 1, { hooks: [{ method: 'vm.start', type: 'pre', url: rx.url, format: 'json' }] })
    )
    const { url } = await serveDashboard(call.webHooks, {}, '/hooks', adapter)
    const response = await fetch(`${url}api/events`)
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'")
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
    let text = ''
    const read = async (until: (text: string) => boolean) => {
      while (!until(text)) {
        const { value, done } = await reader.read()
        if (done) return true
        text += value
      }
      return false
    }
    await read(t => t.includes('event: overview\ndata: '))
    expect(text).toContain('"endpoints":[]')
    await call('vm.start', {}, undefined)
    await read(t => t.includes('"delivered":1'))
    await call.webHooks.close()
    expect(await read(() => false)).toBe(true)
  })
})

describe('live stream bounds', () => {
  it('ends every stream on dashboard.close() and refuses streams past the limit', async () => {
    const call = track(withWebHooks(async () => 1, { hooks: [] }))
    const { url, dashboard } = await serveDashboard(call.webHooks)
    const streams = await Promise.all(Array.from({ length: 32 }, () => fetch(`${url}api/events`)))
    expect(streams.every(s => s.status === 200)).toBe(true)
    const extra = await fetch(`${url}api/events`)
    expect([extra.status, (await extra.json()).error]).toEqual([503, 'ERR_WEB_HOOK_DASHBOARD_BUSY'])
    // A client that leaves frees its place.
    await streams[0]!.body!.cancel()
    await until(async () => {
      const again = await fetch(`${url}api/events`)
      if (again.status !== 200) return false
      streams[0] = again
      return true
    })
    dashboard.close()
    for (const stream of streams) {
      const reader = stream.body!.getReader()
      while (!(await reader.read()).done) {}
    }
    expect(WebHookDashboardError).toBeTypeOf('function')
  })
})

describe("action bodies (node adapter: the receiver's reader)", () => {
  /** Sends `head` then `body` on a raw connection and collects what comes back until the server closes it. */
  async function rawPost(url: string, headers: Record<string, string>, declared: number, body: string) {
    const { hostname, port, pathname } = new URL(`${url}api/dead-letters/replay`)
    const socket = connect(Number(port), hostname)
    await once(socket, 'connect')
    const lines = Object.entries({ ...headers, 'content-type': 'application/json', 'content-length': String(declared) })
    socket.write(`POST ${pathname} HTTP/1.1\r\nhost: ${hostname}:${port}\r\n`)
    socket.write(`${lines.map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n${body}`)
    let answer = ''
    socket.on('data', chunk => (answer += chunk))
    socket.on('error', () => {})
    await once(socket, 'close')
    return answer
  }

  it('a body still arriving after 5 s: 408 ERR_WEB_HOOK_DASHBOARD_TIMEOUT and the connection closed', async () => {
    const call = track(withWebHooks(async () => 1, { hooks: [] }))
    const { url } = await serveDashboard(call.webHooks)
    const { token, cookie } = await session(url)
    const answer = await rawPost(url, { 'x-csrf-token': token, cookie }, 100, '{"ids": [')
    expect(answer).toMatch(/^HTTP\/1\.1 408 /)
    expect(answer.toLowerCase()).toContain('connection: close')
    expect(answer).toContain('"error":"ERR_WEB_HOOK_DASHBOARD_TIMEOUT"')
  }, 15_000)

  it('a body past 16 KiB: 413 as soon as it is over, and the connection not kept alive', async () => {
    const call = track(withWebHooks(async () => 1, { hooks: [] }))
    const { url } = await serveDashboard(call.webHooks)
    const { token, cookie } = await session(url)
    const big = JSON.stringify({ ids: ['x'.repeat(20_000)] })
    // Declared larger than sent: the answer comes without the client ever finishing.
    const answer = await rawPost(url, { 'x-csrf-token': token, cookie }, big.length + 1000, big)
    expect(answer).toMatch(/^HTTP\/1\.1 413 /)
    expect(answer.toLowerCase()).toContain('connection: close')
    expect(answer).toContain('"error":"ERR_WEB_HOOK_DASHBOARD_TOO_LARGE"')
  })
})
