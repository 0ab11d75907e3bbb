/**
 * The same receiver behind each adapter: fetch (Hono on @hono/node-server), Express with express.raw, Fastify (the
 * recipe of examples/receiver-fastify.ts), and the framework-free handle().
 */
import type { AddressInfo } from 'node:net'
import { serve as serveHono } from '@hono/node-server'
import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { createReceiver, deny, type WebHookReceiver } from '../../src/receiver/index.js'
import { webHookRoute } from '../../examples/receiver-fastify.js'
import { decodeSecret } from '../../src/security/secret.js'
import { signWebHook } from '../../src/security/sign.js'
import { post, pre, SECRET, send } from './helpers/server.js'

const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

function gate(): { receiver: WebHookReceiver; seen: string[] } {
  const seen: string[] = []
  const receiver = createReceiver({ secret: SECRET, maxBodyBytes: 2000 })
    .onPre('vm.delete', () => {
      throw deny('protected')
    })
    .on('*', ({ payload }) => void seen.push(`${payload.type} ${payload.method}`))
  closers.push(async () => receiver.close())
  return { receiver, seen }
}

async function checkAll(url: string, seen: string[]) {
  expect((await send(url, pre(), { secret: SECRET })).status).toBe(204)
  expect((await send(url, post(), { secret: SECRET, id: 'msg_1' })).status).toBe(204)
  expect((await send(url, post(), { secret: SECRET, id: 'msg_1' })).status).toBe(204)
  expect(seen).toEqual(['pre vm.start', 'post vm.start'])
  const denied = await send(url, pre({ method: 'vm.delete' }), { secret: SECRET })
  expect([denied.status, JSON.parse(denied.text)]).toEqual([403, { reason: 'protected' }])
  expect((await send(url, pre(), { secret: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(401)
  expect((await send(url, '[]', { secret: SECRET })).status).toBe(400)
  expect((await send(url, pre(), { secret: SECRET, headers: { 'content-type': 'text/plain' } })).status).toBe(415)
  expect((await send(url, pre({ params: { x: 'x'.repeat(3000) } }), { secret: SECRET })).status).toBe(413)
}

describe('adapters', () => {
  it('receiver.fetch behind Hono on @hono/node-server', async () => {
    const { receiver, seen } = gate()
    const app = new Hono().post('/hooks', c => receiver.fetch(c.req.raw))
    const server = serveHono({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise(resolve => server.once('listening', resolve))
    closers.push(() => new Promise(resolve => server.close(() => resolve())))
    const { port } = server.address() as AddressInfo
    await checkAll(`http://127.0.0.1:${port}/hooks`, seen)
  })

  it('receiver.fetch as a plain Fetch handler (no framework)', async () => {
    const { receiver, seen } = gate()
    const server = serveHono({ fetch: receiver.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise(resolve => server.once('listening', resolve))
    closers.push(() => new Promise(resolve => server.close(() => resolve())))
    const { port } = server.address() as AddressInfo
    await checkAll(`http://127.0.0.1:${port}`, seen)
    const get = await fetch(`http://127.0.0.1:${port}`)
    expect(get.status).toBe(405)
  })

  it('receiver.node in Express, with express.raw giving it the raw body', async () => {
    const { receiver, seen } = gate()
    const app = express()
    app.post('/hooks', express.raw({ type: 'application/json', limit: '1mb' }), receiver.node)
    const server = app.listen(0, '127.0.0.1')
    await new Promise(resolve => server.once('listening', resolve))
    closers.push(() => new Promise(resolve => server.close(() => resolve())))
    const { port } = server.address() as AddressInfo
    await checkAll(`http://127.0.0.1:${port}/hooks`, seen)
  })

  it('receiver.node in Fastify, with the body kept as a Buffer (examples/receiver-fastify.ts)', async () => {
    const { receiver, seen } = gate()
    const app = Fastify()
    webHookRoute(app, receiver)
    // The rest of the app still parses JSON.
    app.post('/echo', async request => request.body)
    closers.push(() => app.close())
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    await checkAll(`${address}/hooks`, seen)
    const echo = await fetch(`${address}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    })
    expect(await echo.json()).toEqual({ a: 1 })
  })

  it('receiver.handle without any server', async () => {
    const { receiver, seen } = gate()
    const body = JSON.stringify(pre())
    const timestamp = Math.floor(Date.now() / 1000)
    const headers = {
      'Content-Type': 'application/json',
      'webhook-id': 'msg_h',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebHook([decodeSecret(SECRET)!], 'msg_h', timestamp, body),
    }
    expect(await receiver.handle({ body, headers, method: 'POST' })).toEqual({ status: 204, headers: {}, body: '' })
    expect(await receiver.handle({ body: Buffer.from(body), headers: new Headers(headers) })).toEqual({
      status: 204,
      headers: { 'webhook-duplicate': 'true' },
      body: '',
    })
    expect(seen).toEqual(['pre vm.start'])
    const bad = await receiver.handle({ body, headers: { ...headers, 'webhook-signature': 'v1,nope' } })
    expect(bad.status).toBe(401)
    expect(bad.headers['content-type']).toMatch(/^application\/json/)
    expect(JSON.parse(bad.body).error).toBe('ERR_WEB_HOOK_VERIFY_MALFORMED_SIGNATURE')
    expect((await receiver.handle({ body: 'x'.repeat(3000), headers })).status).toBe(413)
    expect((await receiver.handle({ body, headers, method: 'PUT' })).status).toBe(405)
  })
})
