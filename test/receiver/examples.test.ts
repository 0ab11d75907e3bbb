/**
 * The veto gate of examples/veto-gate.ts, and the fetch adapter fed a streamed body without content-length.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createVetoGate } from '../../examples/veto-gate.js'
import { createReceiver } from '../../src/receiver/index.js'
import { pre, SECRET, type Served, send, serve } from './helpers/server.js'

let served: Served | undefined
afterEach(async () => {
  await served?.close()
  served = undefined
})

describe('examples/veto-gate.ts', () => {
  it('refuses vm.delete of a protected VM and allows the others', async () => {
    served = await serve(createVetoGate(SECRET).node)
    const refused = await send(served.url, pre({ method: 'vm.delete', params: { id: 'vm-db-01' } }), { secret: SECRET })
    expect([refused.status, JSON.parse(refused.text)]).toEqual([
      403,
      { reason: 'vm-db-01 is tagged "protected"; remove the tag first' },
    ])
    const allowed = await send(served.url, pre({ method: 'vm.delete', params: { id: 'vm-scratch' } }), {
      secret: SECRET,
    })
    expect(allowed.status).toBe(204)
  })
})

describe('receiver.fetch with a streamed body', () => {
  const stream = (parts: string[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(new TextEncoder().encode(part))
        controller.close()
      },
    })
  const request = (parts: string[]) =>
    new Request('http://receiver.test/hooks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream(parts),
      duplex: 'half',
    } as RequestInit)

  it('reads it in chunks, and stops at maxBodyBytes with 413', async () => {
    const seen: string[] = []
    const receiver = createReceiver({ maxBodyBytes: 300 }).onPre(({ payload }) => void seen.push(payload.callId))
    const body = JSON.stringify(pre())
    const ok = await receiver.fetch(request([body.slice(0, 10), body.slice(10)]))
    expect([ok.status, await ok.text()]).toEqual([204, ''])
    expect(seen).toEqual(['call1'])
    const big = await receiver.fetch(request([body, 'x'.repeat(400)]))
    expect(big.status).toBe(413)
    expect((await big.json()).error).toBe('ERR_WEB_HOOK_REQUEST_TOO_LARGE')
    const empty = await receiver.fetch(
      new Request('http://receiver.test/', { method: 'POST', headers: { 'content-type': 'application/json' } })
    )
    expect(empty.status).toBe(400)
  })
})
