/**
 * The drift guard of issue 11 (item 2): the exported JSON Schema (`configurationSchema`, what UIs validate with) and
 * the hand-written checks (`createWebHooks`, `withWebHooks`, `configure()`) agree on one table of configurations.
 * Where they differ, the row says why: the checks go further than a JSON Schema can (unknown keys, URLs, secrets'
 * length, cross-field rules), and a UI fills `format` from its default. A check or a schema keyword changed on one side
 * only fails here. docs/architecture.md, "Why the checks are hand-written".
 */
import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { configurationSchema, createWebHooks, WebHookConfigError } from '../../src/index.js'

const H = { method: 'vm.start', type: 'pre', url: 'https://hooks.example/', format: 'json' } as const
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

/** `[name, configuration, the schema accepts it, the checks' answer ('ok' or the error code), why they differ]` */
type Row = [string, unknown, boolean, string, string?]

const rows: Row[] = [
  // Valid on both sides.
  ["XO's minimal hook", { hooks: [H] }, true, 'ok'],
  ['no hooks at all', { hooks: [] }, true, 'ok'],
  [
    'pre/post, waiting, Office 365',
    { hooks: [{ ...H, type: 'pre/post', waitForResponse: true, format: 'office365' }] },
    true,
    'ok',
  ],
  [
    'every hook option',
    {
      hooks: [
        { ...H, timeout: 1, retry: false, redirects: 20, concurrency: 1, secret: SECRET, headers: { a: 'b' } },
        { ...H, exclude: ['vm.stop'], veto: true, failOpen: true },
      ],
    },
    true,
    'ok',
  ],
  [
    'retry as an object',
    { hooks: [{ ...H, retry: { retries: 0, minDelay: 0, maxDelay: 1000, jitter: false } }] },
    true,
    'ok',
  ],
  ['retry schedule', { hooks: [{ ...H, retry: { schedule: [0, 100, 2 ** 31 - 1] } }] }, true, 'ok'],
  ['the longest timeout', { hooks: [{ ...H, timeout: 2 ** 31 - 1 }] }, true, 'ok'],
  [
    'top-level options',
    {
      hooks: [H],
      timeout: 10000,
      includeErrorStack: true,
      maxPayloadBytes: 1,
      redact: false,
      concurrency: 2,
      secret: [SECRET, SECRET],
    },
    true,
    'ok',
  ],
  [
    'redaction',
    { hooks: [H], redact: { keys: ['a'], patterns: ['tok'], result: true, error: false, replacement: 'x' } },
    true,
    'ok',
  ],
  // Invalid on both sides.
  ['hooks missing', {}, false, 'ERR_WEB_HOOK_CONFIG_MISSING'],
  ['hooks not a list', { hooks: {} }, false, 'ERR_WEB_HOOK_CONFIG_TYPE'],
  [
    'a hook without url',
    { hooks: [{ method: 'vm.start', type: 'pre', format: 'json' }] },
    false,
    'ERR_WEB_HOOK_CONFIG_MISSING',
  ],
  [
    'a hook without method',
    { hooks: [{ type: 'pre', url: H.url, format: 'json' }] },
    false,
    'ERR_WEB_HOOK_CONFIG_MISSING',
  ],
  [
    'a hook without type',
    { hooks: [{ method: 'vm.start', url: H.url, format: 'json' }] },
    false,
    'ERR_WEB_HOOK_CONFIG_MISSING',
  ],
  ['an unknown type', { hooks: [{ ...H, type: 'middle' }] }, false, 'ERR_WEB_HOOK_CONFIG_VALUE'],
  ['an unknown format', { hooks: [{ ...H, format: 'xml' }] }, false, 'ERR_WEB_HOOK_CONFIG_VALUE'],
  ['a method not a string', { hooks: [{ ...H, method: 5 }] }, false, 'ERR_WEB_HOOK_CONFIG_TYPE'],
  ['exclude not a list', { hooks: [{ ...H, exclude: 'vm.stop' }] }, false, 'ERR_WEB_HOOK_CONFIG_TYPE'],
  ['timeout 0', { hooks: [{ ...H, timeout: 0 }] }, false, 'ERR_WEB_HOOK_CONFIG_VALUE'],
  ['timeout not an integer', { hooks: [{ ...H, timeout: 1.5 }] }, false, 'ERR_WEB_HOOK_CONFIG_VALUE'],
  ['timeout past what timers hold', { hooks: [{ ...H, timeout: 2 ** 31 }] }, false, 'ERR_WEB_HOOK_CONFIG_VALUE'],
  ['timeout a string', { hooks: [H], timeout: '10' }, false, 'ERR_WEB_HOOK_CONFIG_TYPE'],
  ['retry true', { hooks: [{ ...H, retry: true }] }, false, 'ERR_WEB_HOOK_CONFIG_TYPE'],
  ['negative retries', { hooks: [{ ...H, retry: { retries: -1 } }] }, false, 'ERR_WEB_HOOK_CONFIG_VALUE'],
  ['a negative delay', { hooks: [{ ...H, retry: { schedule: [-1] } }] }, false, 'ERR_WEB_HOOK_CONFIG_VALUE'],
  [
    'a delay past what timers hold',
    { hooks: [{ ...H, retry: { maxDelay: 2 ** 31 } }] },
    false,
    'ERR_WEB_HOOK_CONFIG_VALUE',
  ],
  ['21 redirects', { hooks: [{ ...H, redirects: 21 }] }, false, 'ERR_WEB_HOOK_CONFIG_VALUE'],
  ['concurrency 0', { hooks: [{ ...H, concurrency: 0 }] }, false, 'ERR_WEB_HOOK_CONFIG_VALUE'],
  ['a secret of another form', { hooks: [{ ...H, secret: 'not a secret!' }] }, false, 'ERR_WEB_HOOK_CONFIG_SECRET'],
  ['a secret null', { hooks: [{ ...H, secret: null }] }, false, 'ERR_WEB_HOOK_CONFIG_SECRET'],
  ['a header value not a string', { hooks: [{ ...H, headers: { a: 1 } }] }, false, 'ERR_WEB_HOOK_CONFIG_HEADER'],
  ['waitForResponse not a boolean', { hooks: [{ ...H, waitForResponse: 'yes' }] }, false, 'ERR_WEB_HOOK_CONFIG_TYPE'],
  ['veto not a boolean', { hooks: [{ ...H, veto: 1 }] }, false, 'ERR_WEB_HOOK_CONFIG_TYPE'],
  ['includeErrorStack not a boolean', { hooks: [H], includeErrorStack: 'yes' }, false, 'ERR_WEB_HOOK_CONFIG_TYPE'],
  ['maxPayloadBytes 0', { hooks: [H], maxPayloadBytes: 0 }, false, 'ERR_WEB_HOOK_CONFIG_VALUE'],
  ['maxPayloadBytes not an integer', { hooks: [H], maxPayloadBytes: 1.5 }, false, 'ERR_WEB_HOOK_CONFIG_VALUE'],
  ['redact true', { hooks: [H], redact: true }, false, 'ERR_WEB_HOOK_CONFIG_TYPE'],
  ['redact keys not a list', { hooks: [H], redact: { keys: 'a' } }, false, 'ERR_WEB_HOOK_CONFIG_TYPE'],
  // The schema is stricter: a form fills these in.
  [
    'no format (old XO configurations)',
    { hooks: [{ method: 'vm.start', type: 'pre', url: H.url }] },
    false,
    'ok',
    'XO: json',
  ],
  ['timeout null', { hooks: [{ ...H, timeout: null }] }, false, 'ok', 'null is the default (validation/check.ts)'],
  // The checks go further than the schema.
  [
    'an unknown hook option',
    { hooks: [{ ...H, timeuot: 5 }] },
    true,
    'ERR_WEB_HOOK_CONFIG_UNKNOWN_KEY',
    'unknown keys',
  ],
  ['an unknown option', { hooks: [H], timeuot: 5 }, true, 'ERR_WEB_HOOK_CONFIG_UNKNOWN_KEY', 'unknown keys'],
  ['a URL that is none', { hooks: [{ ...H, url: 'not a url' }] }, true, 'ERR_WEB_HOOK_CONFIG_URL', 'URL parsing'],
  [
    'a URL without scheme',
    { hooks: [{ ...H, url: 'hooks.example/xo' }] },
    true,
    'ERR_WEB_HOOK_CONFIG_URL',
    'URL parsing',
  ],
  ['an empty method', { hooks: [{ ...H, method: '' }] }, true, 'ERR_WEB_HOOK_CONFIG_VALUE', 'pattern syntax'],
  ['a secret too short', { hooks: [{ ...H, secret: 'whsec_AAAA' }] }, true, 'ERR_WEB_HOOK_CONFIG_SECRET', 'key length'],
  [
    'a reserved header',
    { hooks: [{ ...H, headers: { 'content-type': 'x' } }] },
    true,
    'ERR_WEB_HOOK_CONFIG_HEADER',
    'reserved',
  ],
  [
    'a veto on a post hook',
    { hooks: [{ ...H, type: 'post', veto: true }] },
    true,
    'ERR_WEB_HOOK_CONFIG_VALUE',
    'cross-field',
  ],
  [
    'minDelay over maxDelay',
    { hooks: [{ ...H, retry: { minDelay: 1000, maxDelay: 10 } }] },
    true,
    'ERR_WEB_HOOK_CONFIG_VALUE',
    'cross-field',
  ],
  [
    'a pattern that is no regular expression',
    { hooks: [H], redact: { patterns: ['('] } },
    true,
    'ERR_WEB_HOOK_CONFIG_VALUE',
    'RegExp',
  ],
]

const validate = new Ajv({ strict: false, allErrors: true }).compile(configurationSchema)

async function checked(config: unknown): Promise<string> {
  try {
    await createWebHooks(structuredClone(config) as never).close()
    return 'ok'
  } catch (error) {
    expect(error).toBeInstanceOf(WebHookConfigError)
    return (error as WebHookConfigError).code
  }
}

describe('configurationSchema and the checks agree (the drift guard)', () => {
  it.each(rows)('%s', async (_name, config, schema, answer, why) => {
    expect(validate(structuredClone(config)), JSON.stringify(validate.errors)).toBe(schema)
    expect(await checked(config)).toBe(answer)
    // A difference is only allowed with its reason.
    if (schema !== (answer === 'ok')) expect(why).toBeTypeOf('string')
  })
})
