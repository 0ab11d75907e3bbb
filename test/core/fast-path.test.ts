/**
 * The JSON body is made with one plain `JSON.stringify` when that is certainly the exact body (issue 3, throughput);
 * these cases sit on the edge and must come out exactly as the safe path makes them.
 */
import { describe, expect, it } from 'vitest'
import { type WebHooksConfig, withWebHooks } from '../../src/index.js'
import { receiver, track } from './setup.js'

async function post(params: unknown, options: Partial<WebHooksConfig> = {}, result: unknown = 1) {
  const rx = await receiver()
  const call = track(
    withWebHooks(async () => result, {
      hooks: [{ method: 'vm.start', type: 'post', url: rx.url, format: 'json' }],
      ...options,
    })
  )
  await call('vm.start', params)
  const [request] = await rx.waitFor(1)
  return request!
}

describe('JSON bodies', () => {
  it("a plain call's body is XO's JSON: keys in order, absent user fields left out", async () => {
    const request = await post({ id: 'a', n: [1, null, true] }, { user: () => ({ id: '7', ip: '::1' }) })
    const { callId, timestamp, duration } = request.json
    expect(request.body).toBe(
      `{"type":"post","callId":"${callId}","userId":"7","userIp":"::1","method":"vm.start","params":{"id":"a","n":[1,null,true]},"timestamp":${timestamp},"duration":${duration},"result":1}`
    )
  })

  it('hides a configured key that JSON escapes, and keys only an anchored pattern matches', async () => {
    const request = await post(
      { 'a"b': 'x', auth: 'y', authx: 'z', Token: 'kept' },
      { redact: { keys: ['a"b'], patterns: [/^auth$/] } }
    )
    expect(request.json.params).toEqual({ 'a"b': '* obfuscated *', auth: '* obfuscated *', authx: 'z', Token: 'kept' })
  })

  it('hides a key matched by a string pattern whatever its case', async () => {
    const request = await post({ MY_APIKEY: 'x', other: 'y' }, { redact: { patterns: ['apikey'] } })
    expect(request.json.params).toEqual({ MY_APIKEY: '* obfuscated *', other: 'y' })
  })

  it("a field's own toJSON gets the key '' as before", async () => {
    const request = await post({ toJSON: (key: string) => ({ key }) })
    expect(request.json.params).toEqual({ key: '' })
  })

  it('cuts nesting at the same depth, even where toJSON would give a string', async () => {
    const root: unknown[] = []
    let level = root
    for (let depth = 0; depth < 99; depth++) {
      const next: unknown[] = []
      level.push(next)
      level = next
    }
    level.push(new Date(0))
    const request = await post(root)
    expect(request.body).toContain('"[Too deep]"')
    expect(request.body).not.toContain('1970')
  })

  it('BigInts and cycles in a result still degrade instead of failing', async () => {
    const result: Record<string, unknown> = { n: 10n }
    result.self = result
    const request = await post({}, {}, result)
    expect(request.json.result).toEqual({ n: '10', self: '[Circular]' })
  })
})
