/**
 * The `rpc-web-hooks` command, spawned: help, version, usage errors, `listen` and `test` against each other and
 * against real receivers.
 */
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createReceiver } from '../../src/receiver/index.js'
import { SECRET, type Served, send, serve } from '../receiver/helpers/server.js'
import { type Listener, run, startListen } from './helpers.js'

const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version

let listener: Listener | undefined
let served: Served | undefined
afterEach(async () => {
  await listener?.stop()
  await served?.close()
  listener = served = undefined
})

// Each test spawns tsx (a second or more on a busy machine): a generous timeout, never a speed assertion.
describe('rpc-web-hooks', { timeout: 60_000 }, () => {
  it('prints help and version', async () => {
    const [help, listenHelp, testHelp, versionOutput] = await Promise.all([
      run(['--help']),
      run(['listen', '--help']),
      run(['help', 'test']),
      run(['--version']),
    ])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: rpc-web-hooks <command>/)
    expect(help.stdout).toContain('listen')
    expect([listenHelp.code, listenHelp.stdout]).toEqual([0, expect.stringContaining('--deny <pattern>')])
    expect([testHelp.code, testHelp.stdout]).toEqual([0, expect.stringContaining('--format <json|office365>')])
    expect(versionOutput).toMatchObject({ code: 0, stdout: `${version}\n` })
  })

  it('secret prints a fresh Standard Webhooks secret', async () => {
    const result = await run(['secret'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^whsec_[A-Za-z0-9+/]{43}=\n$/)
    expect((await run(['secret'])).stdout).not.toBe(result.stdout)
  })

  it.each([
    [['deploy'], 'rpc-web-hooks: unknown command "deploy": expected listen, test'],
    [['secret', 'x'], 'rpc-web-hooks: secret: unexpected argument "x" (it takes none)'],
    [['listen', '--prot', '1'], "rpc-web-hooks: listen: Unknown option '--prot' (see rpc-web-hooks listen --help)"],
    [['listen', '--port', 'http'], 'rpc-web-hooks: --port must be an integer from 0 to 65535, got "http"'],
    [['listen', '--secret', 'hunter2'], 'rpc-web-hooks: --secret: is not a Standard Webhooks secret'],
    [['listen', '--deny', ''], 'rpc-web-hooks: --deny "": expected a method'],
    [['test'], 'rpc-web-hooks: test: missing <url> (see rpc-web-hooks test --help)'],
    [['test', 'localhost:80'], 'rpc-web-hooks: test: the URL must be http or https, got localhost:'],
    [['test', 'not a url'], 'rpc-web-hooks: test: "not a url" is not a URL'],
    [['test', 'http://127.0.0.1:9', '--format', 'xml'], 'rpc-web-hooks: --format must be json or office365'],
    [['test', 'http://127.0.0.1:9', '--secret', 'x'], 'rpc-web-hooks: --secret is not a Standard Webhooks secret'],
    [['test', 'http://127.0.0.1:9', 'extra'], 'rpc-web-hooks: test: unexpected argument "extra"'],
  ])('%j fails with one clear line and exit code 2', async (args, message) => {
    const result = await run(args)
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toContain(message)
    expect(result.stderr).not.toContain('hunter2')
  })

  it('listen prints each hook readably and answers --deny with 403', async () => {
    listener = await startListen(['--secret', SECRET, '--deny', 'vm.delete', '--reason', 'VM is protected'])
    const pre = {
      type: 'pre',
      callId: 'c1',
      userId: 'u1',
      userName: 'alice',
      userIp: '10.0.0.7',
      method: 'vm.start',
      params: { id: 'vm-1' },
      timestamp: Date.now(),
    }
    expect((await send(listener.url, pre, { secret: SECRET })).status).toBe(204)
    const post = { ...pre, type: 'post', duration: 42, result: true }
    expect((await send(listener.url, post, { secret: SECRET })).status).toBe(204)
    const failed = { ...post, callId: 'c2', result: undefined, error: { name: 'Error', message: 'no such VM' } }
    expect((await send(listener.url, failed, { secret: SECRET })).status).toBe(204)
    const denied = await send(listener.url, { ...pre, method: 'vm.delete' }, { secret: SECRET })
    expect([denied.status, JSON.parse(denied.text)]).toEqual([403, { reason: 'VM is protected' }])
    expect((await send(listener.url, pre, { secret: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(401)
    const lines = await listener.waitForLines(5)
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} {2}PRE {3}vm\.start {2}alice \(u1, 10\.0\.0\.7\) {2}params \{"id":"vm-1"\}$/
    )
    expect(lines[1]).toMatch(/ {2}POST {2}vm\.start {2}alice \(u1, 10\.0\.0\.7\) {2}42 ms {2}✓ true$/)
    expect(lines[2]).toMatch(/POST {2}vm\.start .* ✗ Error no such VM$/)
    expect(lines[3]).toMatch(/PRE {3}vm\.delete .* DENIED: VM is protected$/)
    expect(lines[4]).toMatch(/✗ 401 ERR_WEB_HOOK_VERIFY_SIGNATURE_MISMATCH {2}No v1 signature/)
    expect(listener.output()).not.toContain('\x1b[') // piped: no colours
  })

  /**
   * Opens a POST whose body never completes. `expect: 100-continue` makes Node answer "100 Continue" just before it
   * calls the request listener: once that is read, the request is in flight (no wall-clock wait).
   */
  async function halfRequest(url: string): Promise<Socket> {
    const { port } = new URL(url)
    const socket = connect(Number(port), '127.0.0.1')
    await new Promise(resolve => socket.once('connect', resolve))
    socket.write(
      'POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n' +
        'expect: 100-continue\r\n\r\n'
    )
    await new Promise(resolve => socket.once('data', resolve))
    socket.write('{"type":')
    return socket
  }

  const hook = () => ({
    type: 'pre',
    callId: 'c1',
    method: 'vm.start',
    params: {},
    timestamp: Date.now(),
  })

  it('listen survives a client that disconnects mid-body: one line, and it keeps serving (item 12.7)', async () => {
    listener = await startListen([])
    for (const end of ['reset', 'close'] as const) {
      const socket = await halfRequest(listener.url)
      if (end === 'reset') socket.resetAndDestroy()
      else socket.destroy()
    }
    const deadline = Date.now() + 10_000
    while (listener.errors().split('disconnected').length < 3 && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    const complaints = listener
      .errors()
      .split('\n')
      .filter(line => line.includes('disconnected'))
    expect(complaints).toHaveLength(2)
    expect(complaints[0]).toMatch(/a client disconnected before its request was complete \(.+\); still listening$/)
    expect(listener.errors()).not.toMatch(/ECONNRESET\n\s+at |Error: aborted\n/)
    expect((await send(listener.url, hook())).status).toBe(204)
    expect((await listener.waitForLines(1))[0]).toContain('vm.start')
  })

  it('Ctrl+C while a request is in flight exits 0 and ends the line (item 12.7)', async () => {
    listener = await startListen([])
    const socket = await halfRequest(listener.url)
    socket.on('error', () => {})
    const code = await listener.interrupt()
    expect(code).toBe(0)
    expect(listener.errors()).toMatch(/Ctrl\+C to stop\.\n\n$/)
    socket.destroy()
  })

  it('test --real sends an ordinary call, so listen --deny answers it (item 12.19)', async () => {
    listener = await startListen(['--deny', 'vm.delete', '--reason', 'protected'])
    const result = await run(['test', listener.url, '--real', '--method', 'vm.delete', '--type', 'pre', '--json'])
    expect(result.code).toBe(1)
    expect(JSON.parse(result.stdout.trim())).toMatchObject({ type: 'pre', ok: false, status: 403 })
    expect((await listener.waitForLines(1))[0]).toMatch(/PRE {3}vm\.delete .*DENIED: protected$/)
  })

  it("a negative --timeout gets the option's own message; the banner has no nested brackets (item 12.19)", async () => {
    const result = await run(['test', 'http://127.0.0.1:9', '--timeout', '-5'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--timeout must be an integer from 1 to 600000, got "-5"')
    expect(result.stderr).not.toContain('ambiguous')
    listener = await startListen([])
    expect(listener.errors()).toContain('(signatures NOT verified: no --secret). Ctrl+C to stop.')
  })

  it('listen --json prints one JSON object per line', async () => {
    listener = await startListen(['--json'])
    const pre = { type: 'pre', callId: 'c', method: 'vm.stop', params: {}, timestamp: 1 }
    await send(listener.url, pre, { id: 'msg_json' })
    await send(listener.url, '{', {})
    const lines = (await listener.waitForLines(2)).map(line => JSON.parse(line))
    expect(lines[0]).toEqual({ time: expect.any(String), status: 204, webHookId: 'msg_json', payload: pre })
    expect(lines[1]).toMatchObject({ status: 400, error: { code: 'ERR_WEB_HOOK_PAYLOAD_NOT_JSON' } })
    // SIGTERM stops it cleanly.
    expect(await listener.stop()).toBe(0)
    listener = undefined
  })

  it('test sends XO sample hooks to listen, which shows them as tests', async () => {
    listener = await startListen(['--secret', SECRET])
    const result = await run(['test', listener.url, '--secret', SECRET, '--method', 'vm.migrate'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^PRE {3}204 No Content {2}\d+ ms\nPOST {2}204 No Content {2}\d+ ms\n$/)
    const lines = await listener.waitForLines(2)
    expect(lines[0]).toMatch(
      /TEST {2}PRE {3}vm\.migrate {2}bruce\.wayne@waynecorp\.com \(b4tm4n\) {2}params \{"id":"67aac198/
    )
    expect(lines[1]).toMatch(/TEST {2}POST {2}vm\.migrate/)
  })

  it('listen shows Office 365 cards, verified like any hook', async () => {
    listener = await startListen(['--secret', SECRET])
    const result = await run(['test', listener.url, '--secret', SECRET, '--format', 'office365', '--type', 'post'])
    expect(result.code).toBe(0)
    const unsigned = await run(['test', listener.url, '--format', 'office365', '--type', 'pre'])
    expect(unsigned.code).toBe(1)
    const lines = await listener.waitForLines(2)
    expect(lines[0]).toMatch(
      / {2}CARD {2}XO POST notification {2}callId=0 {2}userId=b4tm4n {2}userName=bruce\.wayne@waynecorp\.com {2}method=vm\.start {2}params=\{"id":"67aac198/
    )
    expect(lines[1]).toMatch(/✗ 401 ERR_WEB_HOOK_VERIFY_MISSING_HEADER/)
  })

  it('test sends exactly the XO sample, signed, and reports --json results', async () => {
    const bodies: unknown[] = []
    const receiver = createReceiver({ secret: SECRET, onTest: ({ payload }) => bodies.push(payload) })
    served = await serve(receiver.node)
    const result = await run(['test', served.url, '--secret', SECRET, '--json', '--type', 'pre'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ type: 'pre', ok: true, status: 204, latency: expect.any(Number) })
    expect(bodies).toEqual([
      {
        type: 'pre',
        callId: '0',
        userId: 'b4tm4n',
        userName: 'bruce.wayne@waynecorp.com',
        method: 'vm.start',
        params: { id: '67aac198-0174-11ea-8d71-362b9e155667' },
        timestamp: 0,
      },
    ])
  })

  it('test sends URL credentials as Basic authorization and never prints them, even echoed back', async () => {
    const basic = `Basic ${Buffer.from('alice:pa55-w0rd').toString('base64')}`
    const seen: (string | undefined)[] = []
    served = await serve((req, res) => {
      seen.push(req.headers.authorization)
      req.resume()
      // The receiver echoes the headers it got, as some error pages do.
      req.on('end', () => {
        res.writeHead(req.headers.authorization === basic ? 200 : 401)
        res.end(JSON.stringify(req.headers))
      })
    })
    const url = served.url.replace('http://', 'http://alice:pa55-w0rd@')
    const [json, text] = await Promise.all([
      run(['test', url, '--json', '--type', 'pre']),
      run(['test', `${url}/hooks`, '--type', 'post', '--secret', SECRET]),
    ])
    expect(seen).toEqual([basic, basic])
    expect([json.code, text.code]).toEqual([0, 0])
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, status: 200, url: `${served.url}/` })
    expect(text.stdout).toContain('POST  200')
    expect(text.stdout).toContain('[redacted]')
    for (const output of [json.stdout, json.stderr, text.stdout, text.stderr]) {
      for (const secret of ['alice', 'pa55-w0rd', basic.slice(6), SECRET.slice(6)]) expect(output).not.toContain(secret)
    }
    const bad = await run(['test', 'http://alice:pa55-w0rd@[::1'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).not.toContain('pa55-w0rd')
  })

  it('test --format office365 sends a MessageCard', async () => {
    const cards: unknown[] = []
    served = await serve(async (req, res) => {
      let body = ''
      for await (const chunk of req) body += chunk
      cards.push(JSON.parse(body))
      res.writeHead(200).end('1')
    })
    const result = await run(['test', served.url, '--format', 'office365', '--type', 'post'])
    expect(result.code).toBe(0)
    expect(cards).toEqual([
      expect.objectContaining({
        '@type': 'MessageCard',
        sections: [expect.objectContaining({ title: 'XO POST notification' })],
      }),
    ])
  })

  it('test exits 1 and says why when the receiver refuses or cannot be reached', async () => {
    served = await serve((_, res) => void res.writeHead(500).end('database down'))
    const refused = await run(['test', served.url])
    expect(refused.code).toBe(1)
    expect(refused.stdout).toMatch(/^PRE {3}500 Internal Server Error {2}\d+ ms {2}database down\n/)
    const url = served.url
    await served.close()
    served = undefined
    const unreachable = await run(['test', url, '--timeout', '2000'])
    expect(unreachable.code).toBe(1)
    expect(unreachable.stdout).toMatch(/^PRE {3}failed: .*ECONNREFUSED|connect/)
  })
})
