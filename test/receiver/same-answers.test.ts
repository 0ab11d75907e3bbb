/**
 * One table of requests through each adapter of one request flow (issue 11, item 4): `receiver.node` on node:http,
 * `receiver.fetch` on @hono/node-server, and `receiver.handle` behind a few lines of node:http. Each answers every
 * request with the same status, headers and bytes.
 */
import type { AddressInfo } from 'node:net'
import { serve as serveFetch } from '@hono/node-server'
import { describe, expect, it } from 'vitest'
import { createReceiver, deny, type WebHookReceiver } from '../../src/receiver/index.js'
import { onCleanup } from '../core/setup.js'
import { post, pre, SECRET, type SendOptions, send, serve } from './helpers/server.js'

type Mount = (receiver: WebHookReceiver) => Promise<string>

const mounts: Record<string, Mount> = {
  node: async receiver => {
    const served = await serve(receiver.node)
    onCleanup(() => served.close())
    return served.url
  },
  fetch: async receiver => {
    const server = serveFetch({ fetch: receiver.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise(resolve => server.once('listening', resolve))
    onCleanup(() => new Promise(resolve => server.close(() => resolve(undefined))))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  },
  handle: async receiver => {
    const served = await serve(async (req, res) => {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const { status, headers, body } = await receiver.handle({
        body: Buffer.concat(chunks),
        headers: req.headers,
        method: req.method as string,
      })
      res.writeHead(status, headers).end(body)
    })
    onCleanup(() => served.close())
    return served.url
  },
}

/** The requests, in order (the duplicate follows its first copy), and the status each must get. */
const table: Array<[name: string, body: unknown, options: SendOptions, status: number]> = [
  ['signed pre', pre(), { secret: SECRET, id: 'msg_a' }, 204],
  ['signed post', post(), { secret: SECRET, id: 'msg_b' }, 204],
  ['a duplicate webhook-id', post(), { secret: SECRET, id: 'msg_b' }, 204],
  ['a pre denied by a handler', pre({ method: 'vm.delete' }), { secret: SECRET, id: 'msg_c' }, 403],
  ['a wrong signature', pre(), { secret: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', id: 'msg_d' }, 401],
  ['no signature', pre(), { id: 'msg_e' }, 401],
  ['a signed body that is not JSON', '{"type":', { secret: SECRET, id: 'msg_f' }, 400],
  ['a signed body that is not a payload', '[]', { secret: SECRET, id: 'msg_g' }, 400],
  ['a non-JSON content type', pre(), { secret: SECRET, id: 'msg_h', headers: { 'content-type': 'text/plain' } }, 415],
  ['a GET', pre(), { secret: SECRET, id: 'msg_i', method: 'GET' }, 405],
  ['a body over maxBodyBytes', pre({ params: { x: 'x'.repeat(3000) } }), { secret: SECRET, id: 'msg_j' }, 413],
  ['a handler that throws', pre({ method: 'vm.crash' }), { secret: SECRET, id: 'msg_k' }, 500],
  ['the test sample', pre({ callId: '0', timestamp: 0 }), { secret: SECRET, id: 'msg_l' }, 204],
]

function gate(seen: string[]): WebHookReceiver {
  const receiver = createReceiver({ secret: SECRET, maxBodyBytes: 2000 })
    .onPre('vm.delete', () => {
      throw deny('protected')
    })
    .onPre('vm.crash', () => {
      throw new Error('boom')
    })
    .on('*', ({ payload }) => void seen.push(`${payload.type} ${payload.method}`))
  onCleanup(() => receiver.close())
  return receiver
}

async function answers(mount: Mount) {
  const seen: string[] = []
  const url = await mount(gate(seen))
  const timestamp = Math.floor(Date.now() / 1000)
  const results: Array<{ name: string; status: number; headers: Record<string, string | null>; body: string }> = []
  for (const [name, body, options] of table) {
    const { status, headers, text } = await send(url, body, { timestamp, ...options })
    const picked = Object.fromEntries(['content-type', 'allow', 'webhook-duplicate'].map(h => [h, headers.get(h)]))
    results.push({ name, status, headers: picked, body: text })
  }
  return { results, seen }
}

describe('node, fetch and handle: one request flow', () => {
  it('answer the same table of requests with the same status, headers and bytes', async () => {
    const [node, fetch, handle] = await Promise.all(Object.values(mounts).map(answers))
    expect(node!.results.map(r => [r.name, r.status])).toEqual(table.map(([name, , , status]) => [name, status]))
    expect(fetch).toEqual(node)
    expect(handle).toEqual(node)
    // The handlers ran once per accepted call, whatever the adapter: not for the duplicate, refusals or the sample.
    expect(node!.seen).toEqual(['pre vm.start', 'post vm.start'])
  })
})
