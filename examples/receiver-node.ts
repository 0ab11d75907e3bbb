/**
 * A typed web hook receiver on plain node:http: verifies signatures, logs each hook, and audits each call once both
 * its pre and post arrived.
 *
 * Run it: `WEBHOOK_SECRET=whsec_… npx tsx examples/receiver-node.ts`, then point hooks (or
 * `rpc-web-hooks test http://127.0.0.1:3002 --secret "$WEBHOOK_SECRET"`) at it.
 */
import { createServer } from 'node:http'
// In your code: from 'rpc-web-hooks/receiver'
import { createReceiver } from '../src/receiver/index.js'

/** The methods this receiver knows: their params and results are typed in the handlers. */
type Api = {
  'vm.start': { params: { id: string; force?: boolean }; result: boolean }
  'vm.delete': { params: { id: string }; result: void }
}

const receiver = createReceiver<Api>({
  // Without a secret nothing is verified: anyone who reaches this port could send hooks.
  ...(process.env.WEBHOOK_SECRET !== undefined && { secret: process.env.WEBHOOK_SECRET }),
  // A backup can run for hours: wait that long for the post of a call before calling its pre an orphan.
  orphanTtl: 6 * 60 * 60 * 1000,
  onOrphan: ({ callId, pre, post }) => console.warn(`call ${callId} incomplete:`, pre ?? post),
  onError: ({ status, error }) => console.warn(`refused a hook (${status}): ${error.message}`),
})

receiver
  .onPre('vm.*', ({ payload }) => {
    console.log(`${payload.userName ?? 'someone'} calls ${payload.method} on ${payload.params.id}`)
  })
  .onPost('vm.start', ({ payload }) => {
    // payload.result is a boolean here (from Api), payload.error a serialised error.
    if (payload.error !== undefined) console.error(`vm.start failed: ${payload.error.message}`)
    else console.log(`vm.start → ${payload.result} in ${payload.duration} ms`)
  })
  .onCall(({ method, pre, post }) => {
    console.log(`[audit] ${pre.userName} ${method} ${post.error === undefined ? 'ok' : 'failed'} (${post.duration} ms)`)
  })

const port = Number(process.env.PORT ?? 3002)
createServer(receiver.node).listen(port, '127.0.0.1', () => console.log(`receiving hooks on http://127.0.0.1:${port}`))
