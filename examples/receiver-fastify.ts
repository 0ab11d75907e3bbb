/**
 * A web hook receiver in a Fastify app. The receiver verifies the signature over the exact bytes sent, so the hook
 * route keeps the body as a Buffer (a content-type parser scoped to that route's plugin), and hands Fastify's raw
 * request and reply to `receiver.node`.
 *
 * Run it: `WEBHOOK_SECRET=whsec_… npx tsx examples/receiver-fastify.ts`
 */
import { pathToFileURL } from 'node:url'
import Fastify, { type FastifyInstance } from 'fastify'
// In your code: from 'rpc-web-hooks/receiver'
import { createReceiver, type WebHookReceiver } from '../src/receiver/index.js'

/** Registers `POST /hooks` on `app`, served by `receiver`; the rest of the app parses JSON as usual. */
export function webHookRoute(app: FastifyInstance, receiver: WebHookReceiver, path = '/hooks'): void {
  app.register(async scoped => {
    // In this plugin only: JSON bodies stay raw bytes, which the signature is computed over.
    scoped.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
    scoped.post(path, (request, reply) => {
      // The receiver writes the answer itself, on the raw response.
      reply.hijack()
      return receiver.node(Object.assign(request.raw, { body: request.body }), reply.raw)
    })
  })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const receiver = createReceiver({
    ...(process.env.WEBHOOK_SECRET !== undefined && { secret: process.env.WEBHOOK_SECRET }),
  })
  receiver.on('*', ({ payload }) => console.log(payload.type, payload.method, payload.userName))
  const app = Fastify()
  webHookRoute(app, receiver)
  app.get('/health', async () => ({ ok: true }))
  const port = Number(process.env.PORT ?? 3004)
  await app.listen({ port, host: '127.0.0.1' })
  console.log(`receiving hooks on http://127.0.0.1:${port}/hooks`)
}
