/**
 * The default transport's response handling, against raw node:http servers on 127.0.0.1 that answer in odd ways:
 * bodies split inside a character, bodies that never end, repeated headers, aborts and timeouts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import { undiciTransport } from '../../src/index.js'
import { track } from '../core/setup.js'
import { serve as serveListener } from '../helpers/serve.js'

/** A raw node:http server on 127.0.0.1 (the shared one, closed after the test), answering once the body is in. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const served = track(
    await serveListener((req, res) => {
      req.resume()
      req.on('end', () => handle(req, res))
    })
  )
  return `${served.url}/hook?x=1`
}

/** A transport closed after the test. */
function transport(options: Parameters<typeof undiciTransport>[0] = {}) {
  return track(undiciTransport({ proxy: false, ...options }))
}

const post = (url: string, extra: { timeout?: number; signal?: AbortSignal } = {}) => ({
  url,
  method: 'POST' as const,
  headers: { 'content-type': 'application/json' },
  body: '{"a":1}',
  timeout: extra.timeout ?? 2000,
  ...(extra.signal === undefined ? {} : { signal: extra.signal }),
})

describe('undiciTransport responses', () => {
  it('sends the path and query, and decodes a body split inside a UTF-8 character', async () => {
    let seen = ''
    const url = await serve((req, res) => {
      seen = req.url ?? ''
      const bytes = Buffer.from('é'.repeat(3000))
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
      res.write(bytes.subarray(0, 1001)) // ends in the middle of an é
      setTimeout(() => res.end(bytes.subarray(1001)), 5)
    })
    const response = await transport()(post(url))
    expect(seen).toBe('/hook?x=1')
    expect(response.status).toBe(200)
    expect(response.body).toBe('é'.repeat(3000))
  })

  it('keeps status text and lower-case headers, repeated ones joined', async () => {
    const url = await serve((_req, res) => {
      res.statusMessage = 'Slow Down'
      res.setHeader('Retry-After', '7')
      res.setHeader('X-Many', ['a', 'b'])
      res.writeHead(429)
      res.end()
    })
    const response = await transport()(post(url))
    expect(response).toMatchObject({ status: 429, statusText: 'Slow Down', body: '' })
    expect(response.headers['retry-after']).toBe('7')
    expect(response.headers['x-many']).toBe('a, b')
  })

  it('answers with the start of a body that never ends, and drops that connection', async () => {
    let closed = false
    const url = await serve((_req, res) => {
      res.writeHead(200)
      const timer = setInterval(() => res.write('y'.repeat(16_384)), 1)
      res.on('close', () => {
        closed = true
        clearInterval(timer)
      })
    })
    const response = await transport({ maxResponseBody: 100 })(post(url))
    expect(response.body).toBe('y'.repeat(100))
    await expect.poll(() => closed).toBe(true)
  })

  it('rejects with a timeout error when the receiver is too slow, and serves the next request', async () => {
    const url = await serve((_req, res) => setTimeout(() => res.end('late'), 400))
    const send = transport()
    await expect(send(post(url, { timeout: 50 }))).rejects.toMatchObject({ code: 'ERR_WEB_HOOK_DELIVERY_TIMEOUT' })
    // The transport still works for the next request.
    const fast = await serve((_req, res) => res.end('ok'))
    await expect(send(post(fast))).resolves.toMatchObject({ status: 200, body: 'ok' })
  })

  it('rejects with the signal reason, whether aborted before or during the exchange', async () => {
    const url = await serve((_req, res) => setTimeout(() => res.end('late'), 300))
    const send = transport()
    const before = new AbortController()
    before.abort(new Error('closed before'))
    await expect(send(post(url, { signal: before.signal }))).rejects.toThrow('closed before')
    const during = new AbortController()
    const pending = send(post(url, { signal: during.signal }))
    setTimeout(() => during.abort(new Error('closed during')), 20)
    await expect(pending).rejects.toThrow('closed during')
  })

  it('rejects with a network error when nothing listens, and after a reset', async () => {
    const closed = await serveListener(() => {})
    await closed.close()
    const closedPort = `${closed.url}/hook`
    // Classified by the transport contract (transports/failure.ts), the network error kept as the cause.
    await expect(transport()(post(closedPort))).rejects.toMatchObject({
      code: 'ERR_WEB_HOOK_DELIVERY_NETWORK',
      cause: { code: 'ECONNREFUSED' },
    })
    const reset = await serve(req => req.socket.destroy())
    await expect(transport()(post(reset))).rejects.toMatchObject({ code: 'ERR_WEB_HOOK_DELIVERY_NETWORK' })
  })
})
