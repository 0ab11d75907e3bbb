/** Every payload the sender produces is accepted by the receiver's `parseWebHookPayload`. */
import { describe, expect, it } from 'vitest'
import { isWebHookTestPayload, parseWebHookPayload } from '../../src/receiver/index.js'
import { withWebHooks } from '../../src/index.js'
import { receiver, track } from './setup.js'

describe('sender payloads parse on the receiver', () => {
  it('pre and post, success, failure, odd values, vetoes, truncation and the test sample', async () => {
    const rx = await receiver(request => (request.url === '/gate' ? { status: 403, body: '{"reason":"no"}' } : {}))
    const call = track(
      withWebHooks(
        async (method: string, params: any) => {
          if (method === 'vm.fail') throw params.thrown
          return params.result
        },
        {
          hooks: [
            { method: 'vm.*', exclude: ['vm.delete'], type: 'pre/post', url: `${rx.url}/all`, format: 'json' },
            { method: 'vm.delete', type: 'pre/post', url: `${rx.url}/gate`, format: 'json', veto: true },
          ],
          user: () => ({ id: 42 as unknown as string, name: 'n' }),
          maxPayloadBytes: 2000,
          retry: false,
        }
      )
    )
    const circular: any = {}
    circular.self = circular
    const inputs = [
      ['vm.ok', { result: undefined }],
      ['vm.ok', { result: null }],
      ['vm.ok', { result: circular }],
      ['vm.ok', { result: 10n }],
      ['vm.ok', { result: 'y'.repeat(5000) }],
      ['vm.fail', { thrown: 'a string' }],
      ['vm.fail', { thrown: undefined }],
      ['vm.fail', { thrown: { message: 42, name: {}, code: { nested: true } } }],
      ['vm.fail', { thrown: new Error('z'.repeat(5000)) }],
      ['vm.delete', {}],
      ['vm.ok', undefined],
    ] as const
    for (const [method, params] of inputs) await call(method, params).catch(() => {})
    await call.webHooks.test().catch(() => {}) // the gate refuses the sample too
    const requests = await rx.waitFor(inputs.length * 2 + 4)
    for (const request of requests) {
      if (isWebHookTestPayload(request.json)) continue
      expect(() => parseWebHookPayload(request.json), request.body).not.toThrow()
    }
  })
})
