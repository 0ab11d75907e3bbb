/**
 * Issue #12 items 9 and 10: durations over Node's timer limit, unknown or misspelt keys, `retries` with `schedule`,
 * bad `store` and `on`, and a present-but-unset `secret` are refused with a coded error naming the path; a running
 * wrapper keeps its hooks (checked over a real loopback receiver).
 */
import { describe, expect, it } from 'vitest'
import { WebHookConfigError, withWebHooks } from '../../src/index.js'
import { receiver, track } from './setup.js'

const DAYS_30 = 30 * 24 * 3600 * 1000

/** A wrapper with one post hook to a real receiver; `check` asserts it still delivers. */
async function running() {
  const rx = await receiver()
  const hook = { method: 'vm.start', type: 'post', url: rx.url }
  const wrapped = track(withWebHooks(async () => 'ok', { hooks: [hook] }))
  return {
    hook,
    wrapped,
    async stillDelivers() {
      const before = rx.requests.length
      await wrapped('vm.start', {})
      await rx.waitFor(before + 1)
    },
  }
}

function refused(config: unknown): WebHookConfigError {
  try {
    track(withWebHooks(async () => 1, config as never))
  } catch (error) {
    expect(error).toBeInstanceOf(WebHookConfigError)
    return error as WebHookConfigError
  }
  throw new Error('expected a WebHookConfigError')
}

describe('durations over 2^31 − 1 ms (item 12.9)', () => {
  it.each([
    ['timeout', { timeout: 1e12 }, 'hooks[0].timeout'],
    ['retry.minDelay', { retry: { minDelay: DAYS_30, maxDelay: DAYS_30 } }, 'hooks[0].retry.minDelay'],
    ['retry.maxDelay', { retry: { maxDelay: DAYS_30 } }, 'hooks[0].retry.maxDelay'],
    ['retry.schedule', { retry: { schedule: [1000, DAYS_30] } }, 'hooks[0].retry.schedule[1]'],
  ])('%s of 30 days (or 1e12) is ERR_WEB_HOOK_CONFIG_VALUE; configure() keeps the hooks', async (_, fields, path) => {
    const { hook, wrapped, stillDelivers } = await running()
    for (const config of [{ hooks: [{ ...hook, ...fields }] }, { hooks: [hook], ...fields }]) {
      let error: unknown
      try {
        wrapped.webHooks.configure(config as never)
      } catch (caught) {
        error = caught
      }
      expect(error).toBeInstanceOf(WebHookConfigError)
      expect((error as WebHookConfigError).code).toBe('ERR_WEB_HOOK_CONFIG_VALUE')
      expect((error as WebHookConfigError).message).toContain('2147483647')
    }
    expect(refused({ hooks: [{ ...hook, ...fields }] }).path).toBe(path)
    await stillDelivers()
  })

  it('breaker.cooldown too', () => {
    const error = refused({ hooks: [], breaker: { cooldown: DAYS_30 } })
    expect([error.code, error.path]).toEqual(['ERR_WEB_HOOK_CONFIG_VALUE', 'breaker.cooldown'])
  })

  it('the limit itself is accepted', () => {
    const limit = 2 ** 31 - 1
    expect(() =>
      track(withWebHooks(async () => 1, { hooks: [], timeout: limit, retry: { schedule: [limit] } }))
    ).not.toThrow()
  })
})

describe('unknown and misspelt keys (item 12.10)', () => {
  it.each([
    ['retries at the top level', { retries: 3 }, 'retries', 'retry.retries'],
    ['a misspelt retry key', { retry: { retires: 3 } }, 'retry.retires', 'retry.retries'],
    ['a misspelt top-level key', { timout: 500 }, 'timout', 'timeout'],
    ['a misspelt queue key', { queue: { maxsize: 5 } }, 'queue.maxsize', 'queue.maxSize'],
    ['a misspelt redact key', { redact: { key: ['x'] } }, 'redact.key', 'redact.keys'],
    ['a misspelt breaker key', { breaker: { treshold: 2 } }, 'breaker.treshold', 'breaker.threshold'],
    ['a misspelt event name', { on: { 'delivery:fialed': () => {} } }, 'on.delivery:fialed', 'on.delivery:failed'],
    ['an unknown key set to undefined', { colour: undefined }, 'colour', undefined],
  ])('%s is ERR_WEB_HOOK_CONFIG_UNKNOWN_KEY naming it', (_, top, path, meant) => {
    const error = refused({ hooks: [], ...top })
    expect([error.code, error.path]).toEqual(['ERR_WEB_HOOK_CONFIG_UNKNOWN_KEY', path])
    if (meant === undefined) expect(error.message).not.toContain('did you mean')
    else expect(error.message).toContain(`did you mean \`${meant}\`?`)
  })

  it('on a hook: a misspelt key and a retry key beside retry', () => {
    const hook = { method: 'vm.start', type: 'pre', url: 'https://hooks.example/' }
    const typo = refused({ hooks: [{ ...hook, waitForRespons: true }] })
    expect([typo.code, typo.path]).toEqual(['ERR_WEB_HOOK_CONFIG_UNKNOWN_KEY', 'hooks[0].waitForRespons'])
    expect(typo.message).toContain('did you mean `hooks[0].waitForResponse`?')
    const misplaced = refused({ hooks: [{ ...hook, schedule: [1000] }] })
    expect(misplaced.path).toBe('hooks[0].schedule')
    expect(misplaced.message).toContain('did you mean `hooks[0].retry.schedule`?')
  })

  it('retries and schedule together are ERR_WEB_HOOK_CONFIG_VALUE', () => {
    const error = refused({ hooks: [], retry: { retries: 3, schedule: [1000] } })
    expect([error.code, error.path]).toEqual(['ERR_WEB_HOOK_CONFIG_VALUE', 'retry.retries'])
  })

  it.each([
    ['store: {}', { store: {} }, 'store', 'ERR_WEB_HOOK_CONFIG_VALUE'],
    ['store: a string', { store: 'sqlite' }, 'store', 'ERR_WEB_HOOK_CONFIG_TYPE'],
    [
      'a listener that is not a function',
      { on: { 'delivery:failed': 'x' } },
      'on.delivery:failed',
      'ERR_WEB_HOOK_CONFIG_TYPE',
    ],
    ['an unknown event', { on: { 'call:done': () => {} } }, 'on.call:done', 'ERR_WEB_HOOK_CONFIG_UNKNOWN_KEY'],
  ])('%s is refused', (_, top, path, code) => {
    const error = refused({ hooks: [], ...top })
    expect([error.code, error.path]).toEqual([code, path])
  })

  it('a bad configure() keeps the previous hooks delivering', async () => {
    const { hook, wrapped, stillDelivers } = await running()
    expect(() => wrapped.webHooks.configure({ hooks: [hook], retries: 3 } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_WEB_HOOK_CONFIG_UNKNOWN_KEY' })
    )
    await stillDelivers()
  })
})

describe('a present but unset secret (item 12.10)', () => {
  const hook = { method: 'vm.start', type: 'pre', url: 'https://hooks.example/' }

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['an empty list', []],
  ])('secret: %s on a hook or at the top level is ERR_WEB_HOOK_CONFIG_SECRET', (_, secret) => {
    const onHook = refused({ hooks: [{ ...hook, secret }] })
    expect([onHook.code, onHook.path]).toEqual(['ERR_WEB_HOOK_CONFIG_SECRET', 'hooks[0].secret'])
    expect(onHook.message).toContain('environment variable')
    const top = refused({ hooks: [hook], secret })
    expect([top.code, top.path]).toEqual(['ERR_WEB_HOOK_CONFIG_SECRET', 'secret'])
  })

  it('leaving the key out sends unsigned hooks', () => {
    expect(() => track(withWebHooks(async () => 1, { hooks: [hook] }))).not.toThrow()
  })
})
