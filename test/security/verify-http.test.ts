// The receiver recipes of docs/security.md, over real HTTP: Node http, Express with express.raw, Hono.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import express from 'express'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { generateSecret } from '../../src/index.js'
import { verifyWebHook, WebHookVerificationError } from '../../src/receiver/index.js'
import { decodeSecret } from '../../src/security/secret.js'
import { signWebHook } from '../../src/security/sign.js'

const SECRET = generateSecret()
// Non-ASCII and spacing that a parse-and-reserialise would change: only the raw bytes verify.
const BODY = '{"type":"pre", "callId":"c1","method":"vm.start","params":{"name":"café \\u00e9"},"timestamp":1}'

function signed(body = BODY, secret = SECRET): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000)
  return {
    'content-type': 'application/json',
    'Webhook-Id': 'msg_http1',
    'Webhook-Timestamp': String(timestamp),
    'Webhook-Signature': signWebHook([decodeSecret(secret)!], 'msg_http1', timestamp, body),
  }
}

let server: Server | undefined
afterEach(async () => {
  await new Promise(resolve => (server ? server.close(resolve) : resolve(undefined)))
  server = undefined
})

async function listen(created: Server): Promise<string> {
  server = created
  if (!created.listening) await new Promise<void>(resolve => created.listen(0, '127.0.0.1', resolve))
  else await new Promise(resolve => setImmediate(resolve))
  return `http://127.0.0.1:${(created.address() as AddressInfo).port}/hooks`
}

const post = (url: string, headers: Record<string, string>, body = BODY) =>
  fetch(url, { method: 'POST', headers, body }).then(async response => ({
    status: response.status,
    text: await response.text(),
  }))

describe('verifying over real HTTP', () => {
  it('Node http: raw chunks and req.headers', async () => {
    const url = await listen(
      createServer(async (req, res) => {
        const chunks: Buffer[] = []
        for await (const chunk of req) chunks.push(chunk as Buffer)
        try {
          const payload = verifyWebHook(Buffer.concat(chunks), req.headers, SECRET)
          res.writeHead(200).end(JSON.stringify(payload.params))
        } catch (error) {
          res.writeHead(401).end((error as WebHookVerificationError).code)
        }
      })
    )
    expect(await post(url, signed())).toEqual({ status: 200, text: '{"name":"café é"}' })
    expect(await post(url, signed(), BODY.replace('c1', 'c2'))).toEqual({
      status: 401,
      text: 'ERR_WEB_HOOK_VERIFY_SIGNATURE_MISMATCH',
    })
    expect(await post(url, { 'content-type': 'application/json' })).toEqual({
      status: 401,
      text: 'ERR_WEB_HOOK_VERIFY_MISSING_HEADER',
    })
  })

  it('Express: express.raw keeps the bytes; express.json first gives a clear error', async () => {
    const app = express()
    app.post('/hooks', express.raw({ type: 'application/json' }), (req, res) => {
      try {
        res.json(verifyWebHook(req.body, req.headers, [generateSecret(), SECRET]))
      } catch (error) {
        if (!(error instanceof WebHookVerificationError)) throw error
        res.status(401).send(error.code)
      }
    })
    app.post('/parsed', express.json(), (req, res) => {
      try {
        res.json(verifyWebHook(req.body, req.headers, SECRET))
      } catch (error) {
        res.status(401).send((error as WebHookVerificationError).code)
      }
    })
    const url = await listen(app.listen(0, '127.0.0.1'))
    const ok = await post(url, signed())
    expect(ok.status).toBe(200)
    expect(JSON.parse(ok.text)).toEqual(JSON.parse(BODY))
    expect(await post(url.replace('/hooks', '/parsed'), signed())).toEqual({
      status: 401,
      text: 'ERR_WEB_HOOK_VERIFY_BODY_TYPE',
    })
  })

  it('Hono (fetch-style): await c.req.text() and a Headers object', async () => {
    const app = new Hono()
    app.post('/hooks', async c => {
      try {
        return c.json(verifyWebHook(await c.req.text(), c.req.raw.headers, SECRET) as object)
      } catch (error) {
        if (error instanceof WebHookVerificationError) return c.text(error.code, 401)
        throw error
      }
    })
    const url = await listen(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server)
    const ok = await post(url, signed())
    expect(ok.status).toBe(200)
    expect(JSON.parse(ok.text)).toEqual(JSON.parse(BODY))
    expect(await post(url, signed(BODY, generateSecret()))).toEqual({
      status: 401,
      text: 'ERR_WEB_HOOK_VERIFY_SIGNATURE_MISMATCH',
    })
  })
})
