/**
 * Safe URLs: refuse to send hooks to private, loopback, link-local, CGNAT, cloud-metadata and other non-public
 * addresses (server-side request forgery), judged on the address actually connected to, so that a DNS name
 * resolving to 127.0.0.1 is refused too. Off unless `safeUrls` is set (Xen Orchestra admins target their LAN).
 *
 * The contract for the delivery engine and its transports:
 *
 * ```ts
 * createSafeUrlPolicy(safeUrls: boolean | WebHookSafeUrlOptions | undefined): SafeUrlPolicy | undefined
 * //  undefined when safeUrls is off; throws WebHookConfigError (path `safeUrls.allow[i]`) on a malformed entry.
 *
 * interface SafeUrlPolicy {
 *   lookup: LookupFunction                 // undici: new Agent({ connect: { lookup: policy.lookup } })
 *   checkUrl(url: string | URL): void      // sync; call before each request: net.connect skips `lookup` for IP
 *                                          // literals, so `http://127.0.0.1/` must be refused here
 *   assertUrl(url: string | URL): Promise<void> // checkUrl + resolve the host and check every address: for
 *                                          // transports that cannot hook the connect-time lookup (fetch, ky)
 * }
 *
 * createSafeLookup(options?: { allow?: readonly string[]; lookup?: LookupFunction }): LookupFunction
 * //  the lookup alone
 * ```
 *
 * Refusals are `WebHookUnsafeUrlError` (code `ERR_WEB_HOOK_UNSAFE_URL`), given to the lookup's callback or thrown.
 *
 * @packageDocumentation
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import type { LookupFunction } from 'node:net'
import { WebHookConfigError } from '../errors/config-error.js'
import { WebHookUnsafeUrlError, type WebHookAddressRange } from '../errors/unsafe-url-error.js'
import { classifyAddress, inRange, parseCidr, parseIp, type IpRange } from './ip.js'

/** Safe-URL policy against server-side request forgery. */
export interface WebHookSafeUrlOptions {
  /**
   * Hosts, IP addresses or CIDR ranges that stay allowed even though they are private, e.g.
   * `['hooks.internal.example', '10.1.2.0/24']`. A host entry may start with `*.` to allow its subdomains.
   * @default []
   */
  allow?: readonly string[]
  /**
   * How host names are resolved before their addresses are checked: node:dns `lookup`'s signature. It is called with
   * `all: true` and may answer an array or a single address. Mostly for tests (map a name to 127.0.0.1) or a custom
   * resolver.
   * @default lookup from node:dns
   * @example { lookup: (hostname, options, callback) => callback(null, '127.0.0.1', 4) }
   */
  lookup?: LookupFunction
}

/** The safe-URL checks of one configuration. */
export interface SafeUrlPolicy {
  /** A node:dns-compatible lookup that refuses non-public addresses; give it to the connection (undici `connect`). */
  lookup: LookupFunction
  /** Throws `WebHookUnsafeUrlError` when the URL's host is a refused IP literal. Host names pass (see `lookup`). */
  checkUrl(url: string | URL): void
  /** `checkUrl`, then resolves a host name and rejects when any of its addresses is refused. */
  assertUrl(url: string | URL): Promise<void>
}

/** An allow-list, parsed. */
interface AllowList {
  hosts: ReadonlySet<string>
  /** Suffixes (`.example.com`) from `*.example.com` entries. */
  suffixes: readonly string[]
  ranges: readonly IpRange[]
}

const HOST = /^(?:\*\.)?[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$/

/** Parses `safeUrls.allow`; throws `WebHookConfigError` naming the bad entry. */
export function parseAllowList(allow: readonly string[] = [], path = 'safeUrls.allow'): AllowList {
  const hosts = new Set<string>()
  const suffixes: string[] = []
  const ranges: IpRange[] = []
  if (!Array.isArray(allow)) {
    throw new WebHookConfigError('ERR_WEB_HOOK_CONFIG_TYPE', path, 'must be an array of hosts, IP addresses or CIDRs')
  }
  allow.forEach((entry: unknown, index) => {
    const bad = (why: string) =>
      new WebHookConfigError(
        'ERR_WEB_HOOK_CONFIG_VALUE',
        `${path}[${index}]`,
        `${why}; use a host name (hooks.internal.example, *.internal.example), an IP address or a CIDR (10.1.2.0/24)`
      )
    if (typeof entry !== 'string' || entry.trim() === '') throw bad('must be a non-empty string')
    const text = entry.trim().toLowerCase()
    const range = parseCidr(text.startsWith('[') ? text.replace(/^\[|\]/g, '') : text)
    if (range !== undefined) {
      ranges.push(range)
      return
    }
    if (text.includes('/')) throw bad(`${JSON.stringify(entry)} is not a valid CIDR range`)
    const host = text.endsWith('.') ? text.slice(0, -1) : text
    if (!HOST.test(host)) throw bad(`${JSON.stringify(entry)} is not a host name, IP address or CIDR`)
    if (host.startsWith('*.')) suffixes.push(host.slice(1))
    else hosts.add(host)
  })
  return { hosts, suffixes, ranges }
}

function normalizeHost(host: string): string {
  const lower = host.toLowerCase()
  const bare = lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower
  return bare.endsWith('.') ? bare.slice(0, -1) : bare
}

function hostAllowed(list: AllowList, host: string): boolean {
  const name = normalizeHost(host)
  return list.hosts.has(name) || list.suffixes.some(suffix => name.endsWith(suffix))
}

/** The refusal for `address` reached through `host`, or `undefined` when it may be connected to. */
function refusal(list: AllowList, host: string, address: string): WebHookUnsafeUrlError | undefined {
  const ip = parseIp(address)
  // Not an IP: cannot be judged, so it cannot be trusted either.
  const range: WebHookAddressRange | undefined = ip === undefined ? 'reserved' : classifyAddress(ip)
  if (range === undefined) return undefined
  if (ip !== undefined && list.ranges.some(allowed => inRange(ip, allowed))) return undefined
  return new WebHookUnsafeUrlError(normalizeHost(host), address, range)
}

type LookupCallback = Parameters<LookupFunction>[2]

function lookupWith(list: AllowList, resolve: LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    // Tolerate the legacy call shapes `lookup(host, family, cb)` and `lookup(host, cb)`.
    let cb = callback as LookupCallback
    let opts = options
    if (typeof options === 'function') {
      cb = options as unknown as LookupCallback
      opts = {}
    } else if (typeof options === 'number') {
      opts = { family: options }
    }
    const all = opts?.all === true
    resolve(hostname, { ...opts, all: true }, (error, answer, family) => {
      if (error) return cb(error, all ? [] : '')
      const addresses: LookupAddress[] =
        typeof answer === 'string'
          ? [{ address: answer, family: family ?? (answer.includes(':') ? 6 : 4) }]
          : Array.isArray(answer)
            ? answer
            : []
      if (addresses.length === 0) {
        const notFound: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`)
        notFound.code = 'ENOTFOUND'
        return cb(notFound, all ? [] : '')
      }
      if (!hostAllowed(list, hostname)) {
        for (const { address } of addresses) {
          const refused = refusal(list, hostname, address)
          if (refused) return cb(refused, all ? [] : '')
        }
      }
      if (all) return cb(null, addresses)
      const first = addresses[0]!
      cb(null, first.address, first.family)
    })
  }
}

/**
 * A node:dns-compatible `lookup` that resolves with `options.lookup` (default node:dns) and calls back with a
 * `WebHookUnsafeUrlError` when any resolved address is non-public and not allowed. Handles `all: true` (what
 * `net.connect` uses with `autoSelectFamily`, the default since Node 20).
 *
 * @example
 * new Agent({ connect: { lookup: createSafeLookup({ allow: ['10.1.2.0/24'] }) } })
 */
export function createSafeLookup(options: WebHookSafeUrlOptions = {}): LookupFunction {
  return lookupWith(parseAllowList(options.allow), options.lookup ?? (dnsLookup as LookupFunction))
}

/**
 * The safe-URL policy of a configuration's `safeUrls` option, or `undefined` when it is off (`false`, absent).
 * Throws `WebHookConfigError` on a malformed `allow` entry, so call it when normalising the configuration.
 */
export function createSafeUrlPolicy(safeUrls: boolean | WebHookSafeUrlOptions | undefined): SafeUrlPolicy | undefined {
  if (safeUrls === undefined || safeUrls === false) return undefined
  if (safeUrls !== true && (safeUrls === null || typeof safeUrls !== 'object' || Array.isArray(safeUrls))) {
    throw new WebHookConfigError('ERR_WEB_HOOK_CONFIG_TYPE', 'safeUrls', 'must be true, false or { allow, lookup }')
  }
  const options = safeUrls === true ? {} : safeUrls
  if (options.lookup !== undefined && typeof options.lookup !== 'function') {
    throw new WebHookConfigError('ERR_WEB_HOOK_CONFIG_TYPE', 'safeUrls.lookup', 'must be a node:dns lookup function')
  }
  const list = parseAllowList(options.allow)
  const lookup = lookupWith(list, options.lookup ?? (dnsLookup as LookupFunction))

  function checkUrl(url: string | URL): void {
    const host = normalizeHost(new URL(url).hostname)
    if (parseIp(host) === undefined || hostAllowed(list, host)) return
    const refused = refusal(list, host, host)
    if (refused) throw refused
  }

  return {
    lookup,
    checkUrl,
    async assertUrl(url) {
      checkUrl(url)
      const host = normalizeHost(new URL(url).hostname)
      if (parseIp(host) !== undefined) return
      await new Promise<void>((resolve, reject) => {
        lookup(host, { all: true }, error => (error ? reject(error) : resolve()))
      })
    },
  }
}

/** Whether `address` (an IP literal) is public, i.e. not refused by `safeUrls` without an allow-list. */
export function isPublicAddress(address: string): boolean {
  const ip = parseIp(address)
  return ip !== undefined && classifyAddress(ip) === undefined
}
