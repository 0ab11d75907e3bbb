/**
 * A web hook receiver in a Hono app: `receiver.fetch` takes the Fetch API `Request` (`c.req.raw`) and returns a
 * `Response`, so the same code runs on Node (@hono/node-server), Bun, Deno and Cloudflare Workers.
 *
 * Run it: `WEBHOOK_SECRET=whsec_… npx tsx examples/receiver-hono.ts`
 */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
// In your code: from 'rpc-web-hooks/receiver'
import { createReceiver } from '../src/receiver/index.js'

const receiver = createReceiver({
  ...(process.env.WEBHOOK_SECRET !== undefined && { secret: process.env.WEBHOOK_SECRET }),
})
receiver.onPost(({ payload }) => {
  console.log(`${payload.method} ${payload.error === undefined ? 'succeeded' : 'failed'} in ${payload.duration} ms`)
})

const app = new Hono()
// Do not read the body before (c.req.json() would consume it): the receiver reads and verifies the raw bytes.
app.post('/hooks', c => receiver.fetch(c.req.raw))

// On Bun or Deno: `export default app` (or `Deno.serve(receiver.fetch)` without Hono).
const port = Number(process.env.PORT ?? 3004)
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => console.log(`receiving hooks on :${port}/hooks`))
