/**
 * Every answer of a receiver, over real HTTP (node:http adapter on 127.0.0.1).
 */
import { request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createReceiver,
  deny,
  type WebHookReceiver,
  type WebHookReceiverErrorState,
  type WebHookReceiverOptions,
  type WebHookVerdict,
} from '../../src/receiver/index.js'
import { post, pre, SECRET, type Served, send, serve } from './helpers/server.js'

let served: Served | undefined
let receiver: WebHookReceiver | undefined

afterEach(async () => {
  receiver?.close()
  await served?.close()
  served = receiver = undefined
})

async function start(options: WebHookReceiverOptions = {}) {
  const errors: WebHookReceiverErrorState[] = []
  receiver = createReceiver({ ...options, onError: state => errors.push(state) })
  served = await serve(receiver.node)
  return { receiver, url: served.url, errors }
}

describe('receiver answers (node adapter)', () => {
  it('204 when handled, running the matching handlers in order with a state object', async () => {
    const { receiver, url } = await start({ secret: SECRET })
    const seen: string[] = []
    receiver
      .on('vm.start', ({ payload, webHookId, headers }) => {
        seen.push(`on:${payload.type}:${webHookId}:${headers['content-type']}`)
      })
      .on('vm.*', ({ payload }) => void seen.push(`prefix:${payload.type}`))
      .on('host.*', () => void seen.push('never'))
      .onPre(() => void seen.push('pre'))
      .onPost('*', () => seen.push('post'))
    const response = await send(url, pre(), { secret: SECRET, id: 'msg_a' })
    expect(response.status).toBe(204)
    expect(response.text).toBe('')
    expect(seen).toEqual(['on:pre:msg_a:application/json', 'prefix:pre', 'pre'])
    expect((await send(url, post(), { secret: SECRET })).status).toBe(204)
    expect(seen.slice(3)).toEqual([expect.stringMatching(/^on:post:msg_/), 'prefix:post', 'post'])
  })

  it('2xx for a duplicate webhook-id without calling the handler again', async () => {
    const { receiver, url } = await start({ secret: SECRET })
    let calls = 0
    receiver.onPost(() => calls++)
    expect((await send(url, post(), { secret: SECRET, id: 'msg_dup' })).status).toBe(204)
    const again = await send(url, post(), { secret: SECRET, id: 'msg_dup' })
    expect(again.status).toBe(204)
    expect(again.headers.get('webhook-duplicate')).toBe('true')
    expect(calls).toBe(1)
    // Another id is another delivery.
    expect((await send(url, post(), { secret: SECRET, id: 'msg_other' })).status).toBe(204)
    expect(calls).toBe(2)
  })

  it('concurrent copies of one delivery run the handler once and share its answer', async () => {
    const { receiver, url } = await start()
    let calls = 0
    receiver.onPre(async () => {
      calls++
      await new Promise(resolve => setTimeout(resolve, 50))
      return { allow: false, reason: 'busy' }
    })
    const answers = await Promise.all([send(url, pre(), { id: 'msg_same' }), send(url, pre(), { id: 'msg_same' })])
    expect(answers.map(answer => answer.status)).toEqual([403, 403])
    expect(calls).toBe(1)
  })

  it('with dedupe: false, every copy is handled', async () => {
    const { receiver, url } = await start({ dedupe: false })
    let calls = 0
    receiver.onPost(() => calls++)
    await send(url, post(), { id: 'msg_x' })
    await send(url, post(), { id: 'msg_x' })
    expect(calls).toBe(2)
  })

  it.each([
    ['a wrong secret', { secret: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }, 'ERR_WEB_HOOK_VERIFY_SIGNATURE_MISMATCH'],
    ['no signature', {}, 'ERR_WEB_HOOK_VERIFY_MISSING_HEADER'],
    ['an old timestamp', { secret: SECRET, timestamp: 1 }, 'ERR_WEB_HOOK_VERIFY_TIMESTAMP_TOO_OLD'],
  ])('401 for %s, handler not called', async (_, options, code) => {
    const { receiver, url, errors } = await start({ secret: SECRET })
    let calls = 0
    receiver.on('*', () => void calls++)
    const response = await send(url, pre(), options)
    expect(response.status).toBe(401)
    expect(JSON.parse(response.text)).toMatchObject({ error: code })
    expect(calls).toBe(0)
    expect(errors).toMatchObject([{ status: 401, error: { code } }])
  })

  it('400 for a body that is not JSON, signed or not', async () => {
    const signed = await start({ secret: SECRET })
    const response = await send(signed.url, '{not json', { secret: SECRET })
    expect(response.status).toBe(400)
    expect(JSON.parse(response.text).error).toBe('ERR_WEB_HOOK_VERIFY_NOT_JSON')
    await served!.close()
    const unsigned = await start()
    const plain = await send(unsigned.url, '{not json')
    expect(plain.status).toBe(400)
    expect(JSON.parse(plain.text).error).toBe('ERR_WEB_HOOK_PAYLOAD_NOT_JSON')
  })

  it('400 for a payload of the wrong shape, naming the bad path', async () => {
    const { url, errors } = await start({ secret: SECRET })
    const response = await send(url, post({ duration: 'slow' }), { secret: SECRET })
    expect(response.status).toBe(400)
    expect(JSON.parse(response.text)).toMatchObject({
      error: 'ERR_WEB_HOOK_PAYLOAD_INVALID',
      message: expect.stringMatching(/^duration: /),
    })
    expect(errors[0]).toMatchObject({ status: 400, error: { name: 'WebHookPayloadError', path: 'duration' } })
  })

  it('500 when a handler throws, so that the sender retries; the retry is handled', async () => {
    const { receiver, url, errors } = await start({ secret: SECRET })
    let attempts = 0
    receiver.onPost(() => {
      if (++attempts === 1) throw new Error('database down')
    })
    const first = await send(url, post(), { secret: SECRET, id: 'msg_retry' })
    expect(first.status).toBe(500)
    expect(JSON.parse(first.text)).toEqual({ error: 'ERR_WEB_HOOK_HANDLER', message: expect.any(String) })
    expect(first.text).not.toContain('database down')
    expect(errors).toMatchObject([{ status: 500, error: { message: 'database down' }, payload: { type: 'post' } }])
    const retry = await send(url, post(), { secret: SECRET, id: 'msg_retry' })
    expect(retry.status).toBe(204)
    expect(attempts).toBe(2)
  })

  it('413 for a body over maxBodyBytes, with or without content-length', async () => {
    const { receiver, url } = await start({ maxBodyBytes: 250 })
    let calls = 0
    receiver.on('*', () => void calls++)
    const big = pre({ params: { blob: 'x'.repeat(400) } })
    const declared = await send(url, big)
    expect(declared.status).toBe(413)
    expect(JSON.parse(declared.text).error).toBe('ERR_WEB_HOOK_REQUEST_TOO_LARGE')
    // Chunked, no content-length: stopped while reading.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/`, { method: 'POST', headers: { 'content-type': 'application/json' } }, res => {
        res.resume()
        resolve(res.statusCode!)
      })
      req.on('error', reject)
      req.write(JSON.stringify(big).slice(0, 80))
      req.end(JSON.stringify(big).slice(80))
    })
    expect(status).toBe(413)
    expect(calls).toBe(0)
    expect((await send(url, pre({ params: {} }))).status).toBe(204)
  })

  it('413 (not a connection reset) for a large streamed body, without keeping it', async () => {
    const { url, errors } = await start({ maxBodyBytes: 1000 })
    const chunk = Buffer.alloc(64 * 1024, 'x')
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, res => {
        res.resume()
        resolve(res.statusCode!)
      })
      req.on('error', reject)
      let sent = 0
      const write = () => {
        while (sent < 64) {
          sent++
          if (!req.write(chunk)) return void req.once('drain', write)
        }
        req.end()
      }
      write()
    })
    expect(status).toBe(413)
    expect(errors).toMatchObject([{ status: 413, error: { code: 'ERR_WEB_HOOK_REQUEST_TOO_LARGE' } }])
  })

  it.each([
    ['text/plain', 415],
    ['application/x-www-form-urlencoded', 415],
    ['application/json; charset=utf-8', 204],
    ['application/cloudevents+json', 204],
  ])('content-type %s → %i', async (type, status) => {
    const { url } = await start()
    const response = await send(url, pre(), { headers: { 'content-type': type } })
    expect(response.status).toBe(status)
    if (status === 415) expect(JSON.parse(response.text).error).toBe('ERR_WEB_HOOK_REQUEST_CONTENT_TYPE')
  })

  it('405 for another method than POST', async () => {
    const { url } = await start()
    const response = await send(url, '', { method: 'GET' })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST')
  })

  it('403 with { reason } when a pre handler returns { allow: false, reason }', async () => {
    const { receiver, url } = await start({ secret: SECRET })
    const after: string[] = []
    receiver.onPre('vm.delete', () => ({ allow: false, reason: 'vm is protected' }))
    receiver.onPre(() => void after.push('later handler'))
    const denied = await send(url, pre({ method: 'vm.delete' }), { secret: SECRET })
    expect(denied.status).toBe(403)
    expect(denied.headers.get('content-type')).toMatch(/^application\/json/)
    expect(JSON.parse(denied.text)).toEqual({ reason: 'vm is protected' })
    expect(after).toEqual([])
    expect((await send(url, pre({ method: 'vm.start' }), { secret: SECRET })).status).toBe(204)
    expect(after).toEqual(['later handler'])
  })

  it('403 with { reason } when a handler throws deny(reason); { allow: true } lets it go', async () => {
    const { receiver, url, errors } = await start()
    receiver.on('vm.*', ({ payload }) => {
      if (payload.type === 'pre' && payload.method === 'vm.delete') throw deny('ask an admin')
      return { allow: true }
    })
    const denied = await send(url, pre({ method: 'vm.delete' }))
    expect(denied.status).toBe(403)
    expect(JSON.parse(denied.text)).toEqual({ reason: 'ask an admin' })
    expect(errors).toEqual([])
    expect((await send(url, pre())).status).toBe(204)
  })

  it('a handler may answer with a promise or any thenable; handlers run in order either way', async () => {
    const { receiver, url } = await start()
    const order: string[] = []
    receiver.onPre(() => void order.push('sync'))
    receiver.onPre(async () => void order.push('async'))
    // Not a Promise: a thenable from another library must be awaited all the same.
    const thenable = {
      // biome-ignore lint/suspicious/noThenProperty: the thenable under test
      then: (resolve: (value: unknown) => void) => setTimeout(() => resolve({ allow: false, reason: 'later' }), 5),
    }
    receiver.onPre('vm.delete', () => thenable as unknown as Promise<WebHookVerdict>)
    receiver.onPre(() => void order.push('after'))
    const denied = await send(url, pre({ method: 'vm.delete' }))
    expect([denied.status, JSON.parse(denied.text)]).toEqual([403, { reason: 'later' }])
    expect(order).toEqual(['sync', 'async'])
    expect((await send(url, pre())).status).toBe(204)
    expect(order).toEqual(['sync', 'async', 'sync', 'async', 'after'])
  })

  it('a denied delivery is not remembered: its retry is judged again', async () => {
    const { receiver, url } = await start()
    let allow = false
    receiver.onPre(() => ({ allow, reason: 'not yet' }))
    expect((await send(url, pre(), { id: 'msg_veto' })).status).toBe(403)
    allow = true
    expect((await send(url, pre(), { id: 'msg_veto' })).status).toBe(204)
  })

  it('500 when express.json() already parsed a signed body; an unsigned one is accepted', async () => {
    const seen: unknown[] = []
    const parsed = (r: WebHookReceiver) => async (req: any, res: any) => {
      for await (const _ of req) {
      }
      req.body = pre()
      await r.node(req, res)
    }
    const signed = createReceiver({ secret: SECRET })
    served = await serve(parsed(signed))
    const response = await send(served.url, pre(), { secret: SECRET })
    expect(response.status).toBe(500)
    expect(JSON.parse(response.text)).toMatchObject({
      error: 'ERR_WEB_HOOK_REQUEST_PARSED_BODY',
      message: expect.stringContaining('express.raw'),
    })
    await served.close()
    receiver = createReceiver().onPre(({ payload }) => void seen.push(payload.callId))
    served = await serve(parsed(receiver))
    expect((await send(served.url, pre())).status).toBe(204)
    expect(seen).toEqual(['call1'])
  })

  it('accepts several secrets during a rotation', async () => {
    const { url } = await start({ secret: ['whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', SECRET] })
    expect((await send(url, pre(), { secret: SECRET })).status).toBe(204)
  })
})
