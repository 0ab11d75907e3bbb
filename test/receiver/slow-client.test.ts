/**
 * Issue 13, item 7: a client that trickles its body is answered 408 by `receiver.node` after `bodyTimeout`, and its
 * connection closed; requests on other connections are served meanwhile.
 */
import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createReceiver } from '../../src/receiver/index.js'
import { post, type Served, send, serve } from './helpers/server.js'

const served: Served[] = []
const sockets: Socket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  for (const server of served.splice(0)) await server.close()
})

/** Sends headers announcing `length` bytes, then one byte every `every` ms; resolves with what came back on close. */
function trickle(url: string, length: number, every: number): Promise<{ answer: string; closedAfter: number }> {
  const { port } = new URL(url)
  const socket = connect(Number(port), '127.0.0.1')
  sockets.push(socket)
  const started = Date.now()
  let answer = ''
  let timer: ReturnType<typeof setInterval> | undefined
  socket.on('connect', () => {
    socket.write(
      `POST /hooks HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n{`
    )
    timer = setInterval(() => socket.write(' '), every)
  })
  socket.on('data', chunk => {
    answer += chunk.toString('latin1')
  })
  return new Promise(resolve => {
    socket.on('close', () => {
      clearInterval(timer)
      resolve({ answer, closedAfter: Date.now() - started })
    })
    socket.on('error', () => {})
  })
}

describe('a trickling client on receiver.node', () => {
  it('is answered 408 ERR_WEB_HOOK_REQUEST_TIMEOUT after bodyTimeout and its connection closed', async () => {
    const errors: { status: number; error: Error }[] = []
    const received: unknown[] = []
    const receiver = createReceiver({ bodyTimeout: 300, onError: state => void errors.push(state) })
    receiver.onPost(({ payload }) => void received.push(payload))
    const server = await serve(receiver.node)
    served.push(server)
    // 10 KB at a byte every 20 ms would take 200 s; the receiver closes it long before the test's own timeout.
    const slow = trickle(`${server.url}/hooks`, 10_000, 20)
    // Meanwhile another connection is served at once.
    const fine = await send(server.url, post())
    expect(fine.status).toBe(204)
    const { answer } = await slow
    expect(answer).toMatch(/^HTTP\/1\.1 408 /)
    expect(answer.toLowerCase()).toContain('connection: close')
    expect(answer).toContain('"error":"ERR_WEB_HOOK_REQUEST_TIMEOUT"')
    expect(errors.map(state => [state.status, (state.error as { code?: string }).code])).toEqual([
      [408, 'ERR_WEB_HOOK_REQUEST_TIMEOUT'],
    ])
    expect(received).toHaveLength(1)
    // The receiver still serves after it.
    expect((await send(server.url, post({ callId: 'call2' }))).status).toBe(204)
  }, 15_000)

  it('a body that arrives within bodyTimeout is handled, however slowly it came', async () => {
    const received: unknown[] = []
    const receiver = createReceiver({ bodyTimeout: 5000 })
    receiver.onPost(({ payload }) => void received.push(payload))
    const server = await serve(receiver.node)
    served.push(server)
    const body = JSON.stringify(post())
    const { port } = new URL(server.url)
    const socket = connect(Number(port), '127.0.0.1')
    sockets.push(socket)
    let answer = ''
    socket.on('data', chunk => {
      answer += chunk.toString('latin1')
    })
    await new Promise(resolve => socket.on('connect', resolve))
    socket.write(
      `POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`
    )
    for (const piece of [body.slice(0, 20), body.slice(20, 60), body.slice(60)]) {
      socket.write(piece)
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    const end = Date.now() + 5000
    while (!answer.includes('\r\n\r\n') && Date.now() < end) await new Promise(resolve => setTimeout(resolve, 10))
    expect(answer).toMatch(/^HTTP\/1\.1 204 /)
    expect(received).toHaveLength(1)
  })
})
