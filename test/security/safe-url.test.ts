import type { LookupAddress } from 'node:dns'
import type { LookupFunction } from 'node:net'
import { Agent, request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { WebHookConfigError, WebHookUnsafeUrlError, isWebHookError } from '../../src/index.js'
import { createSafeLookup, createSafeUrlPolicy, parseAllowList } from '../../src/security/safe-url.js'
import { startReceiver, type TestReceiver } from '../helpers/receiver.js'

/** A lookup answering from a table, in the shape node asks for (one address, or all with `all: true`). */
function fakeLookup(table: Record<string, string[]>): LookupFunction {
  return (hostname, options, callback) => {
    const addresses = table[hostname.toLowerCase().replace(/\.$/, '')]
    if (!addresses) {
      const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`)
      error.code = 'ENOTFOUND'
      return callback(error, '')
    }
    const list = addresses.map(address => ({ address, family: address.includes(':') ? 6 : 4 }))
    if (options.all) callback(null, list)
    else callback(null, list[0]!.address, list[0]!.family)
  }
}

/** A lookup that always answers one address, ignoring `all` (what a hand-written test lookup often does). */
const naiveLookup: LookupFunction = (_hostname, _options, callback) => callback(null, '127.0.0.1', 4)

function resolve(lookup: LookupFunction, hostname: string, all: boolean) {
  return new Promise<{ error: Error | null; address: string | LookupAddress[]; family?: number | undefined }>(done =>
    lookup(hostname, { all }, (error, address, family) => done({ error, address, family }))
  )
}

const TABLE = {
  'public.test': ['93.184.216.34'],
  'loopback.test': ['127.0.0.1'],
  'mixed.test': ['93.184.216.34', '10.0.0.7'],
  'v6.test': ['2606:4700:4700::1111'],
  'metadata.test': ['169.254.169.254'],
  'hooks.internal.test': ['10.1.2.3'],
  'a.corp.test': ['10.9.9.9'],
}

describe('createSafeLookup', () => {
  it('passes public addresses through, in the shape asked for', async () => {
    const lookup = createSafeLookup({ lookup: fakeLookup(TABLE) })
    expect(await resolve(lookup, 'public.test', false)).toEqual({ error: null, address: '93.184.216.34', family: 4 })
    expect((await resolve(lookup, 'v6.test', true)).address).toEqual([{ address: '2606:4700:4700::1111', family: 6 }])
  })

  it('refuses a name that resolves to loopback, metadata, or any private address among several', async () => {
    const lookup = createSafeLookup({ lookup: fakeLookup(TABLE) })
    for (const [host, address, range] of [
      ['loopback.test', '127.0.0.1', 'loopback'],
      ['metadata.test', '169.254.169.254', 'cloud-metadata'],
      ['mixed.test', '10.0.0.7', 'private'],
    ] as const) {
      for (const all of [false, true]) {
        const { error } = await resolve(lookup, host, all)
        expect(error).toBeInstanceOf(WebHookUnsafeUrlError)
        expect(error).toMatchObject({ code: 'ERR_WEB_HOOK_UNSAFE_URL', host, address, range })
        expect(error!.message).toContain('safeUrls.allow')
        expect(isWebHookError(error)).toBe(true)
      }
    }
  })

  it('accepts a naive lookup that ignores `all`', async () => {
    const lookup = createSafeLookup({ lookup: naiveLookup, allow: ['127.0.0.1'] })
    expect((await resolve(lookup, 'anything.test', true)).address).toEqual([{ address: '127.0.0.1', family: 4 }])
    expect((await resolve(createSafeLookup({ lookup: naiveLookup }), 'x.test', true)).error).toBeInstanceOf(
      WebHookUnsafeUrlError
    )
  })

  it('passes DNS errors through', async () => {
    const { error } = await resolve(createSafeLookup({ lookup: fakeLookup(TABLE) }), 'nowhere.test', true)
    expect(error).toMatchObject({ code: 'ENOTFOUND' })
  })

  it('allows listed hosts, wildcard subdomains, addresses and CIDR ranges', async () => {
    const lookup = createSafeLookup({
      lookup: fakeLookup(TABLE),
      allow: ['hooks.internal.test', '*.corp.test', '169.254.169.254', '10.0.0.0/24'],
    })
    expect((await resolve(lookup, 'hooks.internal.test', false)).address).toBe('10.1.2.3')
    expect((await resolve(lookup, 'HOOKS.internal.test.', false)).address).toBe('10.1.2.3')
    expect((await resolve(lookup, 'a.corp.test', false)).address).toBe('10.9.9.9')
    expect((await resolve(lookup, 'metadata.test', false)).address).toBe('169.254.169.254')
    expect((await resolve(lookup, 'mixed.test', true)).error).toBeNull()
    expect((await resolve(lookup, 'loopback.test', true)).error).toBeInstanceOf(WebHookUnsafeUrlError)
  })

  it('refuses malformed allow-list entries with a config error naming the entry', () => {
    for (const [allow, path] of [
      [['ok.test', '10.0.0.0/33'], 'safeUrls.allow[1]'],
      [['not a host'], 'safeUrls.allow[0]'],
      [[''], 'safeUrls.allow[0]'],
      [[42], 'safeUrls.allow[0]'],
      [['http://x.test/'], 'safeUrls.allow[0]'],
    ] as const) {
      let caught: unknown
      try {
        parseAllowList(allow as unknown as string[])
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(WebHookConfigError)
      expect(caught).toMatchObject({ code: 'ERR_WEB_HOOK_CONFIG_VALUE', path })
    }
    expect(() => createSafeUrlPolicy({ allow: 'x' as unknown as string[] })).toThrow(WebHookConfigError)
    expect(() => createSafeUrlPolicy('yes' as unknown as boolean)).toThrow(WebHookConfigError)
    expect(() => createSafeUrlPolicy({ lookup: 'dns' as unknown as LookupFunction })).toThrow(
      expect.objectContaining({ path: 'safeUrls.lookup' })
    )
  })
})

describe('createSafeUrlPolicy', () => {
  it('is off unless asked for', () => {
    expect(createSafeUrlPolicy(undefined)).toBeUndefined()
    expect(createSafeUrlPolicy(false)).toBeUndefined()
    expect(createSafeUrlPolicy(true)).toBeDefined()
  })

  it('refuses IP-literal URLs before connecting (net.connect skips the lookup for them)', () => {
    const policy = createSafeUrlPolicy({ allow: ['192.168.1.0/24'] })!
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://user:pass@[::1]/hook',
      'http://0x7f.1/',
      'http://2130706433/',
      'http://[::ffff:169.254.169.254]/latest/meta-data',
      'https://10.0.0.1/',
    ]) {
      let caught: unknown
      try {
        policy.checkUrl(url)
      } catch (error) {
        caught = error
      }
      expect(caught, url).toBeInstanceOf(WebHookUnsafeUrlError)
      expect((caught as Error).message).not.toContain('pass')
    }
    expect(() => policy.checkUrl('http://192.168.1.20/')).not.toThrow()
    expect(() => policy.checkUrl('https://8.8.8.8/')).not.toThrow()
    expect(() => policy.checkUrl('http://localhost/')).not.toThrow() // a name: judged at connect time
  })

  it('assertUrl resolves names too', async () => {
    const policy = createSafeUrlPolicy({ lookup: fakeLookup({ ...TABLE, localhost: ['127.0.0.1', '::1'] }) })!
    await expect(policy.assertUrl('http://localhost:3000/')).rejects.toBeInstanceOf(WebHookUnsafeUrlError)
    await expect(policy.assertUrl('http://127.0.0.1:3000/')).rejects.toBeInstanceOf(WebHookUnsafeUrlError)
    await expect(policy.assertUrl('https://public.test/')).resolves.toBeUndefined()
    await expect(policy.assertUrl('https://93.184.216.34/')).resolves.toBeUndefined()
  })
})

describe('connect-time check through undici', () => {
  let receiver: TestReceiver | undefined
  let agent: Agent | undefined
  afterEach(async () => {
    await agent?.close()
    await receiver?.close()
    agent = undefined
    receiver = undefined
  })

  it('refuses a host name mapped to 127.0.0.1, and lets it through when allowed', async () => {
    receiver = await startReceiver()
    const lookup = fakeLookup({ 'hooks.example.test': ['127.0.0.1'] })
    const url = `http://hooks.example.test:${receiver.port}/hook`

    agent = new Agent({ connect: { lookup: createSafeLookup({ lookup }) } })
    const refused = await request(url, { method: 'POST', body: '{}', dispatcher: agent }).catch(error => error)
    expect(refused).toBeInstanceOf(WebHookUnsafeUrlError)
    expect(refused).toMatchObject({ host: 'hooks.example.test', address: '127.0.0.1', range: 'loopback' })
    expect(receiver.requests).toHaveLength(0)
    await agent.close()

    agent = new Agent({ connect: { lookup: createSafeLookup({ lookup, allow: ['hooks.example.test'] }) } })
    const response = await request(url, { method: 'POST', body: '{}', dispatcher: agent })
    await response.body.text()
    expect(response.statusCode).toBe(200)
    expect(receiver.requests).toHaveLength(1)
  })
})
