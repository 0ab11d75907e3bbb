/**
 * Issue 13, item 5: a receiver or proxy that echoes the request headers in its error page (a common 502 page). No
 * value the hook sent that may be secret (URL credentials, custom header values, signing secrets) reaches
 * `error.body`, the events, the logger, `onError` or a waited hook's outcome.
 */
import { describe, expect, it } from 'vitest'
import { record, until, wrap } from '../core/setup.js'
import { receiver } from '../core/setup.js'

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const SECRETS = [
  'alice',
  's3cr3t-pw',
  Buffer.from('alice:s3cr3t-pw').toString('base64'),
  't0ps3cr3t',
  'k3y-v4lu3',
  'tenant-0451',
  'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
]

/** A 502 page that repeats every request header, as some proxies do, in HTML and as JSON. */
const echo = (request: { headers: Record<string, unknown> }) => ({
  status: 502,
  body:
    `<html><body><h1>502 Bad Gateway</h1><pre>${Object.entries(request.headers)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n')}</pre>` +
    `<script>var headers = ${JSON.stringify(request.headers)}</script>` +
    `${request.headers['webhook-signature'] === undefined ? '' : SECRET}</body></html>`,
})

describe('secrets echoed back by a receiver or proxy', () => {
  it('are redacted from error.body, delivery:failed, the log context, onError and waited outcomes', async () => {
    const server = await receiver(request => echo(request))
    const logged: unknown[] = []
    const logger = {
      debug: (...args: unknown[]) => logged.push(args),
      info: (...args: unknown[]) => logged.push(args),
      warn: (...args: unknown[]) => logged.push(args),
      error: (...args: unknown[]) => logged.push(args),
    }
    const errors: unknown[] = []
    const url = server.url.replace('http://', 'http://alice:s3cr3t-pw@')
    const call = wrap({
      hooks: [
        // Its own authorization header wins over the URL credentials; hook b sends them as Basic.
        { method: 'a', type: 'post', url, secret: SECRET, headers: { authorization: 'Bearer t0ps3cr3t' } },
        { method: 'b', type: 'pre', url, veto: true, failOpen: true, headers: { 'x-api-key': 'k3y-v4lu3' } },
      ],
      headers: { 'x-tenant': 'tenant-0451' },
      retry: { schedule: [1, 1] },
      logger,
      onError: event => void errors.push(event),
    })
    const events = record(call)
    await call('a', {})
    await until(() => events['delivery:given-up'].length === 1)
    await call('b', {})
    await until(() => events['delivery:given-up'].length === 2)
    // The receiver did get them: the echo is real.
    const [first, last] = [server.requests[0]!.headers, server.requests.at(-1)!.headers]
    expect([first.authorization, first['x-tenant']]).toEqual(['Bearer t0ps3cr3t', 'tenant-0451'])
    expect([last.authorization, last['x-api-key']]).toEqual([`Basic ${SECRETS[2]}`, 'k3y-v4lu3'])
    const body = (events['delivery:given-up'][0]!.error as unknown as { body: string }).body
    expect(body).toContain('502 Bad Gateway')
    expect(body).toContain('authorization: [redacted]')
    const seen = JSON.stringify([events, logged, errors, call.webHooks.stats()], (_key, value) =>
      value instanceof Error ? { ...value, message: value.message, body: (value as any).body } : value
    )
    const leaks = SECRETS.filter(secret => seen.includes(secret))
    expect(leaks).toEqual([])
    expect(seen).toContain('[redacted]')
    // 3 attempts of the fire-and-forget hook, 1 of the veto hook (waited hooks make one attempt), each body redacted.
    expect(events['delivery:failed']).toHaveLength(4)
  })
})
