import { describe, expect, it } from 'vitest'
import {
  createMemoryDedupeStore,
  createReceiver,
  deny,
  WebHookConfigError,
  WebHookDeniedError,
} from '../../src/receiver/index.js'
import { post, type Served, send, serve } from './helpers/server.js'

function configError(fn: () => unknown): WebHookConfigError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(WebHookConfigError)
    return error as WebHookConfigError
  }
  throw new Error('expected a WebHookConfigError')
}

describe('createReceiver options', () => {
  it('reads null as "not set", as the sender does (the shared toolkit\'s one rule)', async () => {
    const receiver = createReceiver({
      maxBodyBytes: null,
      tolerance: null,
      orphanTtl: null,
      dedupe: { ttl: null },
    } as any)
    const served = await serve(receiver.node)
    try {
      expect((await send(served.url, post())).status).toBe(204)
    } finally {
      await served.close()
    }
  })

  it("says what a duration must be, with the toolkit's message", () => {
    const error = configError(() => createReceiver({ orphanTtl: 30 * 86_400_000 }))
    expect(error.message).toMatch(/must be an integer of ms from 1 to 2147483647/)
  })

  it.each([
    [{ secret: 'not-a-secret' }, 'ERR_WEB_HOOK_CONFIG_SECRET', 'secret'],
    [{ secret: '' }, 'ERR_WEB_HOOK_CONFIG_SECRET', 'secret'],
    [{ secret: undefined }, 'ERR_WEB_HOOK_CONFIG_SECRET', 'secret'],
    [{ secret: [] }, 'ERR_WEB_HOOK_CONFIG_SECRET', 'secret'],
    [{ secret: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'x'] }, 'ERR_WEB_HOOK_CONFIG_SECRET', 'secret[1]'],
    [{ maxBodyBytes: 0 }, 'ERR_WEB_HOOK_CONFIG_VALUE', 'maxBodyBytes'],
    [{ tolerance: -1 }, 'ERR_WEB_HOOK_CONFIG_VALUE', 'tolerance'],
    [{ orphanTtl: Number.NaN }, 'ERR_WEB_HOOK_CONFIG_VALUE', 'orphanTtl'],
    [{ bodyTimeout: 0 }, 'ERR_WEB_HOOK_CONFIG_VALUE', 'bodyTimeout'],
    [{ dedupe: { ttl: 0 } }, 'ERR_WEB_HOOK_CONFIG_VALUE', 'dedupe.ttl'],
    [{ dedupe: { store: {} as any } }, 'ERR_WEB_HOOK_CONFIG_VALUE', 'dedupe.store'],
  ])('rejects %j', (options, code, path) => {
    const error = configError(() => createReceiver(options as any))
    expect([error.code, error.path]).toEqual([code, path])
    expect(error.message).not.toContain('not-a-secret')
  })

  it.each([
    [{ onError: 5 }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'onError', undefined],
    [{ onTest: 'log' }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'onTest', undefined],
    [{ onOrphan: {} }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'onOrphan', undefined],
    [{ secrets: ['x'] }, 'ERR_WEB_HOOK_CONFIG_UNKNOWN_KEY', 'secrets', 'secret'],
    [{ onerror: () => {} }, 'ERR_WEB_HOOK_CONFIG_UNKNOWN_KEY', 'onerror', 'onError'],
    [{ dedupe: { tll: 5 } }, 'ERR_WEB_HOOK_CONFIG_UNKNOWN_KEY', 'dedupe.tll', 'dedupe.ttl'],
    [{ dedupe: 'memory' }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'dedupe', undefined],
    [{ orphanTtl: 30 * 86_400_000 }, 'ERR_WEB_HOOK_CONFIG_VALUE', 'orphanTtl', undefined],
    // The shared toolkit's messages and codes (issue 11): a wrong type is a TYPE error, a byte count an integer.
    [{ maxBodyBytes: '1mb' }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'maxBodyBytes', undefined],
    [{ maxBodyBytes: 1.5 }, 'ERR_WEB_HOOK_CONFIG_VALUE', 'maxBodyBytes', undefined],
    [{ tolerance: '300' }, 'ERR_WEB_HOOK_CONFIG_TYPE', 'tolerance', undefined],
    [{ bodyTimeout: 1.5 }, 'ERR_WEB_HOOK_CONFIG_VALUE', 'bodyTimeout', undefined],
  ])('rejects %j (item 12.10, 12.9), and the receiver built after it works', async (options, code, path, meant) => {
    const error = configError(() => createReceiver(options as any))
    expect([error.code, error.path]).toEqual([code, path])
    if (meant !== undefined) expect(error.message).toContain(`did you mean \`${meant}\`?`)
    const receiver = createReceiver({ onError: () => {} })
    let calls = 0
    receiver.onPost(() => calls++)
    const served = await serve(receiver.node)
    try {
      expect((await send(served.url, post())).status).toBe(204)
      expect(calls).toBe(1)
    } finally {
      await served.close()
    }
  })

  it('says an unset secret is probably an unset environment variable', () => {
    const error = configError(() => createReceiver({ secret: process.env.RPC_WEB_HOOKS_SURELY_UNSET }))
    expect(error.message).toBe(
      'secret: is undefined (is its environment variable set?); leave the option out to receive unsigned hooks'
    )
  })

  it('rejects bad patterns and handlers', () => {
    const receiver = createReceiver()
    expect(configError(() => receiver.on(5 as unknown as string, () => {})).path).toBe('on(pattern)')
    expect(configError(() => receiver.onPre('', () => {})).path).toBe('onPre(pattern)')
    expect(configError(() => receiver.onPost('vm.start', 'nope' as any)).path).toBe('onPost(handler)')
    expect(configError(() => receiver.onCall(undefined as any)).path).toBe('onCall(handler)')
  })

  it('deny(reason) makes a WebHookDeniedError', () => {
    const error = deny('protected VM')
    expect(error).toBeInstanceOf(WebHookDeniedError)
    expect([error.code, error.reason, error.message]).toEqual([
      'ERR_WEB_HOOK_DENIED',
      'protected VM',
      'Denied by the web hook receiver: protected VM',
    ])
    expect(deny('').reason).toBe('denied')
  })
})

describe('dedupe stores', () => {
  it('the memory store forgets ids after their TTL and keeps at most maxEntries', () => {
    let time = 0
    const store = createMemoryDedupeStore({ maxEntries: 2, now: () => time })
    store.add('a', 100)
    expect(store.has('a')).toBe(true)
    time = 100
    expect(store.has('a')).toBe(false)
    store.add('b', 100)
    store.add('c', 100)
    store.add('d', 100)
    expect([store.has('b'), store.has('c'), store.has('d')]).toEqual([false, true, true])
    expect(() => createMemoryDedupeStore({ maxEntries: 0 })).toThrow(RangeError)
  })

  it('a custom (async) store is used with the configured TTL', async () => {
    const ids = new Map<string, number>()
    const receiver = createReceiver({
      dedupe: {
        ttl: 5000,
        store: {
          has: async id => ids.has(id),
          add: async (id, ttl) => void ids.set(id, ttl),
        },
      },
    })
    let calls = 0
    receiver.onPost(() => calls++)
    const served: Served = await serve(receiver.node)
    try {
      await send(served.url, post(), { id: 'msg_s' })
      await send(served.url, post(), { id: 'msg_s' })
      expect(calls).toBe(1)
      expect([...ids]).toEqual([['msg_s', 5000]])
    } finally {
      await served.close()
    }
  })

  it('a failing store answers 500 and reports it', async () => {
    const errors: string[] = []
    const receiver = createReceiver({
      onError: ({ error, status }) => errors.push(`${status} ${error.message}`),
      dedupe: {
        store: {
          has: () => {
            throw new Error('redis down')
          },
          add: () => {},
        },
      },
    })
    const served = await serve(receiver.node)
    try {
      expect((await send(served.url, post())).status).toBe(500)
      expect(errors).toEqual(['500 redis down'])
    } finally {
      await served.close()
    }
  })
})
