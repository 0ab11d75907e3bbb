/**
 * `configure()` and the engine-level options (queue, breaker, transport, store): what may change on a running
 * wrapper applies at once; what cannot is refused with a clear error and nothing changes.
 */
import { describe, expect, it } from 'vitest'
import { WebHookConfigError, memoryStore, withWebHooks } from '../../src/index.js'
import { receiver, track } from './setup.js'

const hooksFor = (url: string) => [{ method: 'vm.start', type: 'post', url, format: 'json', retry: false as const }]

describe('.webHooks.configure and engine options', () => {
  it('refuses an invalid queue or breaker value and keeps the previous hooks', async () => {
    const rx = await receiver()
    const call = track(withWebHooks(async () => 1, { hooks: hooksFor(`${rx.url}/first`) }))
    expect(() => call.webHooks.configure({ hooks: hooksFor(`${rx.url}/second`), queue: { maxSize: 0 } })).toThrow(
      expect.objectContaining({ code: 'ERR_WEB_HOOK_CONFIG_VALUE', path: 'queue.maxSize' })
    )
    expect(() => call.webHooks.configure({ hooks: hooksFor(`${rx.url}/second`), breaker: { threshold: -1 } })).toThrow(
      expect.objectContaining({ path: 'breaker.threshold' })
    )
    await call('vm.start', {}, undefined)
    const [post] = await rx.waitFor(1)
    expect(post!.url).toBe('/first')
  })

  it('refuses to change ordering, transport or store on a running wrapper, naming the option', async () => {
    const rx = await receiver()
    const store = memoryStore()
    const call = track(withWebHooks(async () => 1, { hooks: hooksFor(rx.url), store }))
    const attempts: Array<[string, object]> = [
      ['queue.ordering', { queue: { ordering: 'fifo' } }],
      ['transport', { transport: async () => ({ status: 200, headers: {}, body: '' }) }],
      ['store', { store: memoryStore() }],
    ]
    for (const [path, options] of attempts) {
      let caught: unknown
      try {
        call.webHooks.configure({ hooks: hooksFor(`${rx.url}/changed`), ...options })
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(WebHookConfigError)
      expect(caught).toMatchObject({ path, message: expect.stringContaining('create a new one') })
    }
    // The same store, or none (an XO-style configuration), is fine.
    call.webHooks.configure({ hooks: hooksFor(`${rx.url}/same`), store })
    call.webHooks.configure({ hooks: hooksFor(`${rx.url}/none`) })
    await call('vm.start', {}, undefined)
    const [post] = await rx.waitFor(1)
    expect(post!.url).toBe('/none')
  })

  it('a smaller queue bound given to configure applies to what comes next', async () => {
    const rx = await receiver(() => ({ delay: 200 }))
    const dropped: string[] = []
    const call = track(withWebHooks(async () => 1, { hooks: hooksFor(rx.url), concurrency: 1 }))
    call.webHooks.on('delivery:dropped', event => dropped.push(event.reason))
    call.webHooks.configure({
      hooks: hooksFor(rx.url),
      concurrency: 1,
      queue: { maxSizePerEndpoint: 1, overflow: 'drop-newest' },
    })
    for (let i = 0; i < 4; i++) await call('vm.start', { i }, undefined)
    expect(dropped.length).toBeGreaterThan(0)
    expect(dropped.every(reason => reason === 'overflow')).toBe(true)
  })
})
