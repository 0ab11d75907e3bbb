/**
 * The receiver's throughput (issue 11, item 4): signed posts answered by `receiver.node`, by `receiver.fetch` (on
 * @hono/node-server) and by a bare node:http handler that reads the body and runs the same verification
 * (`verifyWebHook`) and nothing else: the baseline, measured in the same run. The load comes from a child process
 * (undici, concurrency 16), so it does not share the receiver's loop; the receiver's CPU time per request is reported
 * too (steadier than wall time on a shared machine). Bar: node adapter ≥ 0.90x the bare handler.
 */
import { spawn } from 'node:child_process'
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve as serveFetch } from '@hono/node-server'
import { createReceiver, verifyWebHook } from '../src/receiver/index.js'
import { decodeSecret } from '../src/security/secret.js'
import { signWebHook } from '../src/security/sign.js'
import { PARAMS, type Result } from './util.js'

const POSTS = 5_000
const CONCURRENCY = 16
const ROUNDS = 5
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

const LOAD = `
const { Agent, request } = require('undici')
const [url, headers, body, posts, concurrency] = JSON.parse(process.argv[1])
const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 60000 })
let next = 0
const start = performance.now()
Promise.all(Array.from({ length: concurrency }, async () => {
  while (next++ < posts) {
    const response = await request(url, { dispatcher, method: 'POST', headers, body })
    await response.body.text()
    if (response.statusCode !== 204) throw new Error('answered ' + response.statusCode)
  }
})).then(() => { process.stdout.write(String(performance.now() - start)); process.exit(0) })
`

/** Milliseconds the child took to send `POSTS` posts to `url`. */
function load(url: string, headers: Record<string, string>, body: string): Promise<number> {
  const child = spawn(process.execPath, ['-e', LOAD, JSON.stringify([url, headers, body, POSTS, CONCURRENCY])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout!.on('data', chunk => (out += chunk))
  return new Promise((resolve, reject) =>
    child.on('exit', code => (code === 0 ? resolve(Number(out)) : reject(new Error(`load exited ${code}`))))
  )
}

async function listen(listener: RequestListener): Promise<{ url: string; server: Server }> {
  const server = createServer(listener)
  server.keepAliveTimeout = 60_000
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

/** The baseline: the body read, verified, and 204; no adapter, no flow, no dispatch. */
const bare: RequestListener = (req, res) => {
  const chunks: Buffer[] = []
  req.on('data', chunk => chunks.push(chunk))
  req.on('end', () => {
    try {
      verifyWebHook(Buffer.concat(chunks), req.headers, SECRET)
      res.writeHead(204).end()
    } catch {
      res.writeHead(401).end()
    }
  })
}

async function servers() {
  const receiver = createReceiver({ secret: SECRET, dedupe: false }).onPost(() => {})
  const fetchServer = serveFetch({ fetch: receiver.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise(resolve => fetchServer.once('listening', resolve))
  const fetchUrl = `http://127.0.0.1:${(fetchServer.address() as AddressInfo).port}`
  return {
    bare: await listen(bare),
    node: await listen(receiver.node),
    fetch: { url: fetchUrl, server: fetchServer as unknown as Server },
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

export async function receiverBench(): Promise<Result> {
  const body = JSON.stringify({
    type: 'post',
    callId: 'call1',
    userId: 'b4tm4n',
    userName: 'bruce.wayne@waynecorp.com',
    method: 'vm.start',
    params: PARAMS,
    timestamp: 1000,
    duration: 42,
    result: true,
  })
  const timestamp = Math.floor(Date.now() / 1000)
  const headers = {
    'content-type': 'application/json',
    'webhook-id': 'msg_bench',
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebHook([decodeSecret(SECRET)!], 'msg_bench', timestamp, body),
  }
  const running = await servers()
  const times: Record<keyof typeof running, number[]> = { bare: [], node: [], fetch: [] }
  // The receiver's own CPU per request (this process; the load is another): steadier than wall time on a busy machine.
  const cpu: Record<keyof typeof running, number[]> = { bare: [], node: [], fetch: [] }
  // Interleaved rounds, so a noisy moment weighs on every variant alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of Object.keys(running) as Array<keyof typeof running>) {
      const started = process.cpuUsage()
      times[name].push(await load(running[name].url, headers, body))
      const used = process.cpuUsage(started)
      cpu[name].push((used.user + used.system) / POSTS)
    }
  }
  for (const { server } of Object.values(running)) server.close()
  const rate = (ms: number) => Math.round((POSTS / ms) * 1000)
  const ratio = (values: number[]) => median(times.bare) / median(values)
  return {
    name: 'receiver',
    figures: {
      [`bare node:http + verify req/s (median of ${ROUNDS})`]: rate(median(times.bare)),
      'receiver.node req/s (median)': rate(median(times.node)),
      'receiver.fetch on @hono/node-server req/s (median)': rate(median(times.fetch)),
      'ratio node / bare (median)': ratio(times.node).toFixed(3),
      'ratio fetch / bare (median)': ratio(times.fetch).toFixed(3),
      'receiver CPU µs/request bare (median)': median(cpu.bare).toFixed(1),
      'receiver CPU µs/request node (median)': median(cpu.node).toFixed(1),
      'receiver CPU µs/request fetch (median)': median(cpu.fetch).toFixed(1),
    },
    bar: { text: `receiver.node / bare ≥ 0.90 (median of ${ROUNDS})`, met: ratio(times.node) >= 0.9 },
  }
}
