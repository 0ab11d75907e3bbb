/**
 * `rpc-web-hooks test <url>`: sends Xen Orchestra's sample pre and post payloads to a URL, as the XO plugin's Test
 * button does, and reports each answer's status and latency.
 */
import { deliveryId, randomId } from '../payload/ids.js'
import { toOffice365Card } from '../payload/office365.js'
import { xoTestSample } from '../payload/xo-test-sample.js'
import { stripCredentials } from '../config/display-url.js'
import { redactEchoes, secretValues } from '../security/echoes.js'
import { decodeSecret } from '../security/secret.js'
import { signWebHook } from '../security/sign.js'
import { integer, parse } from './args.js'
import { CliError } from './cli-error.js'
import { createStyle } from './style.js'

export const TEST_HELP = `Usage: rpc-web-hooks test <url> [options]

Sends Xen Orchestra's sample pre and post payloads (callId "0", user "bruce.wayne@waynecorp.com", timestamp 0) to
<url>, one after the other, and prints each answer's status and latency. Exits with 1 if any answer is not 2xx.

Options:
  --method <name>            the method named in the payloads (default: vm.start)
  --type <pre|post|pre/post> which payloads to send (default: pre/post)
  --secret <whsec_>          sign the requests (Standard Webhooks v1)
  --format <json|office365>  the payload format (default: json)
  --timeout <ms>             request timeout (default: 10000)
  --real                     send an ordinary call (a fresh callId, the current time) instead of XO's test sample,
                             so the receiver runs its handlers: try \`listen --deny\` with \`test --real --method x\`
  --json                     print one JSON object per request instead of text
  -h, --help                 show this help

Examples:
  rpc-web-hooks test http://127.0.0.1:8080 --secret "$WEBHOOK_SECRET"
  rpc-web-hooks test https://example.webhook.office.com/… --format office365
  rpc-web-hooks test http://127.0.0.1:8080 --real --method vm.delete --type pre`

export interface TestIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
}

/** Runs the test; resolves with the exit code. */
export async function sendTest(args: string[], io: TestIo): Promise<number> {
  const test = testOptions(args)
  if (test === 'help') {
    io.stdout.write(`${TEST_HELP}\n`)
    return 0
  }
  let failed = false
  // --real: one call's pre and post, as a server sends them (receivers give XO's sample to onTest only).
  const real = {
    callId: randomId(),
    userName: 'rpc-web-hooks test',
    method: test.method,
    params: {},
    timestamp: Date.now(),
  }
  for (const which of test.type === 'pre/post' ? (['pre', 'post'] as const) : [test.type]) {
    const payload = test.real
      ? { type: which, ...real, ...(which === 'post' && { timestamp: Date.now(), duration: 0, result: true }) }
      : { type: which, ...xoTestSample(test.method) }
    const body = JSON.stringify(test.format === 'json' ? payload : toOffice365Card(payload))
    if (!(await sendOne(test, which, body, io))) failed = true
  }
  return failed ? 1 : 0
}

/** The test's options, checked (or `help`). */
interface TestOptions {
  target: string
  method: string
  format: 'json' | 'office365'
  type: 'pre' | 'post' | 'pre/post'
  key: Uint8Array | undefined
  timeout: number
  real: boolean
  json: boolean
  authorization: string | undefined
  /** What must never be printed: URL credentials, the secret. */
  secrets: ReturnType<typeof secretValues>
}

function testOptions(args: string[]): TestOptions | 'help' {
  const { values, positionals } = parse(
    'test',
    args,
    {
      method: { type: 'string' },
      type: { type: 'string' },
      secret: { type: 'string' },
      format: { type: 'string' },
      timeout: { type: 'string' },
      real: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    1
  )
  if (values.help) return 'help'
  const url = checkUrl(positionals[0])
  const method = values.method ?? 'vm.start'
  if (method === '') throw new CliError('--method must not be empty')
  const format = values.format ?? 'json'
  if (format !== 'json' && format !== 'office365') {
    throw new CliError(`--format must be json or office365, got ${JSON.stringify(format)}`)
  }
  const type = values.type ?? 'pre/post'
  if (type !== 'pre' && type !== 'post' && type !== 'pre/post') {
    throw new CliError(`--type must be pre, post or pre/post, got ${JSON.stringify(type)}`)
  }
  const key = values.secret === undefined ? undefined : decodeSecret(values.secret.trim())
  if (values.secret !== undefined && key === undefined) {
    throw new CliError(
      '--secret is not a Standard Webhooks secret: expected "whsec_" followed by the base64 of 24 to 64 bytes'
    )
  }
  const timeout = integer('timeout', values.timeout, 10_000, 1, 600_000)
  // As the library sends them (issue 13): URL credentials become Basic authorization (fetch refuses a URL that has
  // them), and neither they nor the secret are ever printed, even when the receiver echoes them back.
  const username = decodeURIComponent(url.username)
  const password = decodeURIComponent(url.password)
  const authorization =
    username === '' && password === ''
      ? undefined
      : `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
  const secrets = secretValues({ username, password, secrets: key === undefined ? [] : [key] })
  const flags = { real: values.real === true, json: values.json === true }
  return { target: stripCredentials(url), method, format, type, key, timeout, ...flags, authorization, secrets }
}

/** Sends one payload and prints its answer; false when it is not 2xx. */
async function sendOne(test: TestOptions, which: 'pre' | 'post', body: string, io: TestIo): Promise<boolean> {
  const { target, key, timeout, secrets } = test
  const style = createStyle(io.stdout)
  const id = deliveryId()
  const headers: Record<string, string> = { 'content-type': 'application/json', 'webhook-id': id }
  if (test.authorization !== undefined) headers.authorization = test.authorization
  if (key !== undefined) {
    const timestamp = Math.floor(Date.now() / 1000)
    headers['webhook-timestamp'] = String(timestamp)
    headers['webhook-signature'] = signWebHook([key], id, timestamp, body)
  }
  const start = performance.now()
  const label = which === 'pre' ? 'PRE ' : 'POST'
  try {
    const response = await fetch(target, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeout),
    })
    const text = redactEchoes((await response.text()).trim().slice(0, 200), secrets)
    const latency = Math.round(performance.now() - start)
    const ok = response.status >= 200 && response.status < 300
    io.stdout.write(
      test.json
        ? `${JSON.stringify({ type: which, url: target, ok, status: response.status, latency, body: text })}\n`
        : `${label}  ${(ok ? style.green : style.red)(`${response.status} ${response.statusText}`)}  ` +
            `${style.dim(`${latency} ms`)}${text === '' ? '' : `  ${text}`}\n`
    )
    return ok
  } catch (error) {
    const latency = Math.round(performance.now() - start)
    const reason = redactEchoes(describeFailure(error, timeout), secrets)
    io.stdout.write(
      test.json
        ? `${JSON.stringify({ type: which, url: target, ok: false, error: reason, latency })}\n`
        : `${label}  ${style.red(`failed: ${reason}`)}  ${style.dim(`${latency} ms`)}\n`
    )
    return false
  }
}

function checkUrl(value: string | undefined): URL {
  if (value === undefined) throw new CliError('test: missing <url> (see rpc-web-hooks test --help)')
  let url: URL
  try {
    url = new URL(value)
  } catch {
    // Whatever looks like credentials (`user:password@`) is not repeated.
    const shown = value.replace(/\/\/[^/?#]*@/, '//…@')
    throw new CliError(`test: ${JSON.stringify(shown)} is not a URL (expected e.g. http://127.0.0.1:8080/hooks)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`test: the URL must be http or https, got ${url.protocol}`)
  }
  return url
}

function describeFailure(error: unknown, timeout: number): string {
  const { name, message, cause } = error as {
    name?: string
    message?: string
    cause?: { code?: string; message?: string }
  }
  if (name === 'TimeoutError') return `no answer within ${timeout} ms`
  // fetch refuses some ports outright (its "bad port" list: 1, 7, 9, 25, 6000…).
  if (cause?.message === 'bad port') return 'fetch refuses to connect to this port (a blocked port); use another one'
  if (cause?.message !== undefined) return cause.message
  return message ?? String(error)
}
