import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { undiciTransport } from '../../src/index.js'
import { startProxy } from '../helpers/proxy.js'
import { record, until, wrap } from '../core/setup.js'

let dir: string
let cert: Buffer
let server: Server
let url: string
const received: string[] = []

beforeAll(async () => {
  // A self-signed certificate for 127.0.0.1, made now (nothing secret is checked in).
  dir = mkdtempSync(join(tmpdir(), 'rpc-web-hooks-tls-'))
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' }
  )
  cert = readFileSync(join(dir, 'cert.pem'))
  server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (request, response) => {
    let body = ''
    request.on('data', chunk => (body += chunk))
    request.on('end', () => {
      received.push(body)
      response.end()
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
  rmSync(dir, { recursive: true, force: true })
})

describe('TLS', () => {
  it('verifies certificates by default: a self-signed receiver is refused', async () => {
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url, retry: false }] })
    const events = record(call)
    await call('a', {})
    await until(() => events['delivery:given-up'].length === 1)
    expect(events['delivery:given-up'][0]!.error).toMatchObject({ code: 'ERR_WEB_HOOK_DELIVERY_NETWORK' })
  })

  it('trusts a per-origin CA given to undiciTransport', async () => {
    const transport = undiciTransport({ origins: { [new URL(url).origin]: { ca: cert } } })
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url, retry: false }], transport })
    const events = record(call)
    await call('a', { tls: true })
    await until(() => events['delivery:succeeded'].length === 1)
    expect(received.some(body => body.includes('"tls":true'))).toBe(true)
    await transport.close()
  })

  it('through a proxy: verifies the receiver inside the tunnel, with the per-origin CA', async () => {
    const proxy = await startProxy()
    try {
      for (const trusted of [false, true]) {
        const transport = undiciTransport({
          proxy: proxy.url,
          origins: trusted ? { [new URL(url).origin]: { ca: cert } } : {},
        })
        const call = wrap({ hooks: [{ method: 'a', type: 'post', url, retry: false }], transport })
        const events = record(call)
        await call('a', { proxied: trusted })
        await until(() => events['delivery:succeeded'].length + events['delivery:given-up'].length === 1)
        expect(events[trusted ? 'delivery:succeeded' : 'delivery:given-up']).toHaveLength(1)
        await transport.close()
      }
      expect(proxy.tunnels).toEqual([new URL(url).host, new URL(url).host])
      expect(received.some(body => body.includes('"proxied":true'))).toBe(true)
    } finally {
      await proxy.close()
    }
  })
})
