/**
 * `rpc-web-hooks listen --ui`: the inspector's page in a real Chromium (hooks paired by call with their signature
 * check, copy as curl run with curl, send again to the listener and to another URL), its security headers, and its
 * clear 4xx JSON answers to bad requests, each followed by a request that still works.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { connect } from 'node:net'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { chromiumMissing, launchChromium } from '../browser/chromium.js'
import { onCleanup, receiver } from '../core/setup.js'
import { post, pre, SECRET, send } from '../receiver/helpers/server.js'
import { BUILT_CLI, run, startListen } from './helpers.js'

const run$ = promisify(execFile)
const curlMissing = !['/usr/bin/curl', '/bin/curl', '/usr/local/bin/curl'].some(path => existsSync(path))

async function inspect(args: string[] = [], options: { built?: boolean } = {}) {
  const listener = await startListen(['--secret', SECRET, '--ui', ...args], options)
  onCleanup(() => listener.stop())
  const match = /Inspector on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(listener.errors())
  expect(match, listener.errors()).not.toBeNull()
  return { listener, ui: match![1]! }
}

/** The requests the inspector keeps, once there are `count`. */
async function kept(ui: string, count: number): Promise<any[]> {
  for (let tries = 0; ; tries++) {
    const { requests } = (await (await fetch(`${ui}api/requests`)).json()) as { requests: any[] }
    if (requests.length >= count || tries > 500) return requests
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

// Each test spawns the CLI (a second or more on a busy machine): generous timeouts, never a speed assertion.
describe('listen --ui: the inspector', { timeout: 90_000 }, () => {
  it('refuses bad requests with clear 4xx JSON errors, and keeps serving', async () => {
    const { listener, ui } = await inspect()
    const origin = ui.slice(0, -1)
    const token = /name="csrf-token" content="([^"]+)"/.exec(await (await fetch(ui)).text())![1]!
    const action = (headers: Record<string, string>, body = '{}', path = 'api/requests/1/resend') =>
      fetch(`${ui}${path}`, { method: 'POST', headers, body })
    const good = { origin, 'x-csrf-token': token, 'content-type': 'application/json' }
    const cases: Array<[string, Promise<Response>, number, string]> = [
      ['an unknown route', fetch(`${ui}nope`), 404, 'ERR_WEB_HOOK_INSPECTOR_NOT_FOUND'],
      ['a POST to a page', fetch(ui, { method: 'POST' }), 405, 'ERR_WEB_HOOK_INSPECTOR_METHOD'],
      ['a GET of an action', fetch(`${ui}api/requests/1/resend`), 405, 'ERR_WEB_HOOK_INSPECTOR_METHOD'],
      ['no origin', action({ 'x-csrf-token': token }), 403, 'ERR_WEB_HOOK_INSPECTOR_ORIGIN'],
      ['another origin', action({ ...good, origin: 'http://evil.test' }), 403, 'ERR_WEB_HOOK_INSPECTOR_ORIGIN'],
      ['no CSRF token', action({ origin, 'content-type': 'application/json' }), 403, 'ERR_WEB_HOOK_INSPECTOR_CSRF'],
      ['a wrong CSRF token', action({ ...good, 'x-csrf-token': 'x' }), 403, 'ERR_WEB_HOOK_INSPECTOR_CSRF'],
      ['not JSON', action({ ...good, 'content-type': 'text/plain' }), 415, 'ERR_WEB_HOOK_INSPECTOR_CONTENT_TYPE'],
      ['an oversized action', action(good, 'x'.repeat(20_000)), 413, 'ERR_WEB_HOOK_INSPECTOR_TOO_LARGE'],
      ['a body that is not JSON', action(good, '{'), 400, 'ERR_WEB_HOOK_INSPECTOR_BAD_JSON'],
      [
        'an unknown request',
        action(good, '{}', 'api/requests/99/resend'),
        404,
        'ERR_WEB_HOOK_INSPECTOR_UNKNOWN_REQUEST',
      ],
      ['a bad id', action(good, '{}', 'api/requests/x/resend'), 404, 'ERR_WEB_HOOK_INSPECTOR_UNKNOWN_REQUEST'],
    ]
    for (const [name, response, status, code] of cases) {
      const answer = await response
      const body = await answer.json()
      expect([name, answer.status, body.error], body.message).toEqual([name, status, code])
      expect(body.message).toMatch(/\w+ .{10,}/)
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff')
    }
    expect((await fetch(`${ui}api/requests/1/resend`)).headers.get('allow')).toBe('POST')

    // A page that reached it by another name (DNS rebinding) is refused: only loopback hosts are answered.
    const rebound = await run$('curl', ['-s', '-H', 'host: evil.test', `${ui}api/requests`]).catch(e => e)
    if (!curlMissing) expect(JSON.parse(rebound.stdout).error).toBe('ERR_WEB_HOOK_INSPECTOR_HOST')

    // Still serving: a hook arrives and is sent again; a bad URL is refused; the page carries its security headers.
    expect((await send(listener.url, pre(), { secret: SECRET })).status).toBe(204)
    await kept(ui, 1)
    const badUrl = await action(good, JSON.stringify({ url: 'file:///etc/passwd' }))
    expect([badUrl.status, (await badUrl.json()).error]).toEqual([400, 'ERR_WEB_HOOK_INSPECTOR_BAD_URL'])
    const resent = await action(good)
    expect([resent.status, (await resent.json()).status]).toEqual([200, 204])
    expect((await kept(ui, 2)).map(r => r.signature.state)).toEqual(['valid', 'valid'])
    const page = await fetch(ui)
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    expect(page.headers.get('x-frame-options')).toBe('DENY')
  })

  it('refuses --ui-port and --ui-size without --ui, and bad values, with one clear line', async () => {
    const results = await Promise.all([
      run(['listen', '--ui-port', '0']),
      run(['listen', '--ui', '--ui-size', '0']),
      run(['listen', '--ui', '--ui-port', 'x']),
    ])
    expect(results.map(r => [r.code, r.stderr.trim()])).toEqual([
      [2, 'rpc-web-hooks: --ui-port is an option of the inspector: add --ui'],
      [2, 'rpc-web-hooks: --ui-size must be an integer from 1 to 100000, got "0"'],
      [2, 'rpc-web-hooks: --ui-port must be an integer from 0 to 65535, got "x"'],
    ])
  })

  it('keeps the last --ui-size requests', async () => {
    const { listener, ui } = await inspect(['--ui-size', '2'])
    for (const callId of ['a', 'b', 'c']) await send(listener.url, pre({ callId }), { secret: SECRET })
    const requests = await kept(ui, 2)
    expect(requests.map(r => r.payload.callId)).toEqual(['b', 'c'])
  })

  it('a body that never completes is answered 408 and shown; a client that goes away costs one line', async () => {
    const { listener, ui } = await inspect()
    const half = async () => {
      const socket = connect(Number(new URL(listener.url).port), '127.0.0.1')
      onCleanup(() => socket.destroy())
      await new Promise(resolve => socket.once('connect', resolve))
      socket.write(
        'POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 99\r\n\r\n{'
      )
      return socket
    }
    const slow = await half()
    let answer = ''
    slow.on('data', chunk => (answer += chunk))
    await new Promise(resolve => slow.once('close', resolve))
    expect(answer).toMatch(/^HTTP\/1\.1 408 [\s\S]*ERR_WEB_HOOK_REQUEST_TIMEOUT/)
    expect((await kept(ui, 1)).map(r => r.answer.status)).toEqual([408])

    ;(await half()).resetAndDestroy()
    await expect.poll(() => listener.errors()).toMatch(/a client disconnected before its request was complete/)
    expect((await send(listener.url, pre(), { secret: SECRET })).status).toBe(204)
    expect((await kept(ui, 2)).map(r => r.answer.status)).toEqual([408, 204])
  })

  it.skipIf(curlMissing)('copy as curl: the command, run by curl, is accepted with a valid signature', async () => {
    const { listener, ui } = await inspect()
    // A body with a single quote and a leading @: quoted for the shell, not read as a file by curl.
    await send(listener.url, pre({ params: { note: "it's @home" } }), { secret: SECRET })
    const [first] = await kept(ui, 1)
    expect(first.signature).toEqual({ state: 'valid' })
    const { stdout, stderr } = await run$('sh', ['-c', `${first.curl} -o /dev/null -w '%{http_code}'`])
    expect([stdout, stderr]).toEqual(['204', ''])
    const again = (await kept(ui, 2))[1]
    expect([again.body, again.signature, again.answer.status]).toEqual([first.body, { state: 'valid' }, 204])
  })
})

describe.skipIf(chromiumMissing !== undefined)(
  `listen --ui in Chromium${chromiumMissing ? ` (skipped: ${chromiumMissing})` : ''}`,
  { timeout: 120_000 },
  () => {
    it('shows hooks paired by call with their signature check; copy as curl; send again', async () => {
      const { listener, ui } = await inspect()
      const browser = await launchChromium()
      onCleanup(() => browser.close())
      const page = await browser.newPage({ viewport: { width: 1200, height: 800 } })
      const problems: string[] = []
      page.on('pageerror', error => problems.push(error.message))
      page.on('console', message => message.type() === 'error' && problems.push(message.text()))
      await page.goto(ui)
      await page.waitForSelector('#status:text("live")')

      await send(listener.url, pre({ callId: 'call-7' }), { secret: SECRET })
      await send(listener.url, post({ callId: 'call-7' }), { secret: SECRET })
      await send(listener.url, pre({ callId: 'call-8', method: 'vm.stop' }), {
        secret: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      })
      const call = page.locator('article[data-call-id="call-7"]')
      await call.locator('.request.post').waitFor()
      expect(await call.locator('.request').count()).toBe(2)
      expect(await call.locator('h2').textContent()).toBe('vm.start · callId call-7')
      expect(await call.locator('.request.pre .signature').textContent()).toBe('signature valid')
      expect(await call.locator('.request.post .signature').textContent()).toBe('signature valid')
      expect(await call.locator('.request.pre .answer').textContent()).toBe('answered 204')
      expect(JSON.parse((await call.locator('.request.post .body').textContent())!)).toEqual(post({ callId: 'call-7' }))
      const bad = page.locator('article[data-call-id="call-8"] .request.pre')
      await bad.waitFor()
      expect(await bad.locator('.signature').textContent()).toMatch(
        /^signature invalid: ERR_WEB_HOOK_VERIFY_SIGNATURE_MISMATCH: /
      )
      expect(await bad.locator('.answer').textContent()).toBe('answered 401')
      if (process.env.UPDATE_SCREENSHOTS === '1') {
        await mkdir(new URL('../../docs/images/', import.meta.url), { recursive: true })
        await page.screenshot({ path: new URL('../../docs/images/inspector.png', import.meta.url).pathname })
      }

      // Copy as curl shows (and copies) the command the server made for that request.
      const pre7 = call.locator('.request.pre').first()
      await pre7.locator('button.copy').click()
      const curl = await pre7.locator('.curl').textContent()
      const requests = await kept(ui, 3)
      expect(curl).toBe(requests[0].curl)
      if (!curlMissing) {
        const { stdout } = await run$('sh', ['-c', `${curl} -o /dev/null -w '%{http_code}'`])
        expect(stdout).toBe('204')
        await call.locator('.request').nth(2).waitFor()
      }

      // Send again, to the listener: it arrives there (a new request in the page, signature still valid).
      const before = (await kept(ui, 0)).length
      await pre7.locator('button.resend').click()
      await page.waitForSelector(`section[data-id="${before + 1}"]`)
      // (The new request can show before the page has the answer to its POST.)
      await expect.poll(() => pre7.locator('.resend-result').textContent()).toMatch(/^answered 204/)
      expect(await page.locator(`section[data-id="${before + 1}"] .signature`).textContent()).toBe('signature valid')

      // And to another URL typed in: the same bytes and signature arrive there.
      const other = await receiver()
      const post7 = call.locator('.request.post').first()
      await post7.locator('input.target').fill(`${other.url}/elsewhere`)
      await post7.locator('button.resend').click()
      const [arrived] = await other.waitFor(1)
      expect([arrived!.url, arrived!.body]).toEqual(['/elsewhere', requests[1].body])
      expect(arrived!.headers['webhook-signature']).toBe(
        requests[1].headers.find(([name]: string[]) => name === 'webhook-signature')[1]
      )
      await expect.poll(() => post7.locator('.resend-result').textContent()).toMatch(/^answered 200/)
      expect(problems).toEqual([])
    })

    it.skipIf(!existsSync(BUILT_CLI))('works from the built CLI (dist/cli.js, assets inside)', async () => {
      const { listener, ui } = await inspect([], { built: true })
      const browser = await launchChromium()
      onCleanup(() => browser.close())
      const page = await browser.newPage()
      const problems: string[] = []
      page.on('pageerror', error => problems.push(error.message))
      await page.goto(ui)
      await page.waitForSelector('#status:text("live")')
      await send(listener.url, pre({ callId: 'built' }), { secret: SECRET })
      const signature = page.locator('article[data-call-id="built"] .request.pre .signature')
      await signature.waitFor()
      expect([await signature.textContent(), problems]).toEqual(['signature valid', []])
    })
  }
)
