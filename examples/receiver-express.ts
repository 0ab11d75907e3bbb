/**
 * A web hook receiver in an Express app. The receiver verifies the signature over the exact bytes sent, so its route
 * takes the raw body (`express.raw`) — mounted before, or instead of, `express.json()` for that path.
 *
 * Run it: `WEBHOOK_SECRET=whsec_… npx tsx examples/receiver-express.ts`
 */
import express from 'express'
// In your code: from 'rpc-web-hooks/receiver'
import { createReceiver } from '../src/receiver/index.js'

const receiver = createReceiver({
  ...(process.env.WEBHOOK_SECRET !== undefined && { secret: process.env.WEBHOOK_SECRET }),
})
receiver.on('*', ({ payload }) => console.log(payload.type, payload.method, payload.userName))

const app = express()
// The raw body for the hook route: req.body is a Buffer, which receiver.node verifies as it is.
app.post('/hooks', express.raw({ type: 'application/json', limit: '1mb' }), receiver.node)
// The rest of the app may parse JSON as usual.
app.use(express.json())
app.get('/health', (_req, res) => void res.json({ ok: true }))

const port = Number(process.env.PORT ?? 3003)
app.listen(port, '127.0.0.1', () => console.log(`receiving hooks on http://127.0.0.1:${port}/hooks`))
