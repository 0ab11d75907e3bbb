/**
 * One table of method names and patterns, run through the sender (a hook's `method`) and the receiver
 * (`createReceiver().on(pattern)`), both over real HTTP: the two ends share one syntax and must agree on every row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withWebHooks } from '../../src/index.js'
import { createReceiver } from '../../src/receiver/index.js'
import { receiver, settle, track } from '../core/setup.js'
import { type Served, serve } from '../helpers/serve.js'

/** [pattern, method, matches] */
const table: ReadonlyArray<readonly [string, string, boolean]> = [
  ['vm.start', 'vm.start', true],
  ['vm.start', 'vm.stop', false],
  ['vm.start', 'vm.start.x', false],
  ['vm.*', 'vm.start', true],
  ['vm.*', 'vm.snapshot.create', true],
  ['vm.*', 'vm.', true],
  ['vm.*', 'vm', false],
  ['vm.*', 'host.restart', false],
  ['v*', 'vm.start', true],
  ['*', 'session.signIn', true],
  ['*', 'x', true],
  ['**', 'anything.at.all', true],
  ['vm.get*', 'vm.getRecord', true],
  ['vm.get*', 'vm.start', false],
  ['vm.*.create', 'vm.snapshot.create', true],
  ['vm.*.create', 'vm.snapshot.delete', false],
  ['vm.*.create', 'vm.create', false],
  ['*.create', 'vm.snapshot.create', true],
  ['*.create', 'vm.create.now', false],
  ['*start', 'vm.start', true],
  ['a*b*c', 'a.x.b.y.c', true],
  ['a*b*c', 'a.x.c', false],
  ['vm.(start)', 'vm.(start)', true],
  ['vm.[a-z]', 'vm.s', false],
  ['vm.+', 'vm.+', true],
  ['vm.+', 'vmm+', false],
]

describe('method patterns: one syntax, sender and receiver agree', () => {
  const matchedByReceiver: Array<{ pattern: string; method: string }> = []
  let receiverUrl = ''
  let served: Served | undefined

  beforeAll(async () => {
    const rx = createReceiver()
    for (const [pattern] of table)
      rx.on(pattern, ({ payload }) => void matchedByReceiver.push({ pattern, method: payload.method }))
    // One receiver for the whole table (beforeAll), so not the per-test registry of test/core/setup.ts.
    served = await serve(rx.node)
    receiverUrl = `${served.url}/`
  })
  afterAll(() => served?.close())

  it.each(table)('%j vs %j → %j on the sender', async (pattern, method, matches) => {
    const rx = await receiver()
    const call = track(
      withWebHooks(async () => 1, { hooks: [{ method: pattern, type: 'pre', url: rx.url, format: 'json' }] })
    )
    await call(method, {}, undefined)
    expect((await settle(rx, 50)).length).toBe(matches ? 1 : 0)
  })

  it.each(table)('%j vs %j → %j on the receiver', async (pattern, method, matches) => {
    matchedByReceiver.length = 0
    const call = withWebHooks(async () => 1, {
      hooks: [{ method: '*', type: 'pre', url: receiverUrl, format: 'json', waitForResponse: true }],
    })
    try {
      await call(method, {}, undefined)
    } finally {
      await call.webHooks.close()
    }
    expect(matchedByReceiver.some(m => m.pattern === pattern && m.method === method)).toBe(matches)
  })

  it('an empty or non-string pattern is refused by both ends with ERR_WEB_HOOK_CONFIG_VALUE or _MISSING', () => {
    expect(() => createReceiver().on('', () => {})).toThrow(
      expect.objectContaining({ code: 'ERR_WEB_HOOK_CONFIG_VALUE' })
    )
    expect(() => createReceiver().on(5 as unknown as string, () => {})).toThrow(
      expect.objectContaining({ code: 'ERR_WEB_HOOK_CONFIG_VALUE', message: expect.stringContaining('vm.*.create') })
    )
    expect(() => withWebHooks(() => 1, { hooks: [{ method: '', type: 'pre', url: 'https://x.example/' }] })).toThrow(
      expect.objectContaining({ code: 'ERR_WEB_HOOK_CONFIG_VALUE' })
    )
  })
})
