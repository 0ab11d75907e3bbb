/**
 * IP address parsing and classification for the safe-URL policy (SSRF protection). Addresses are handled as bigints
 * (32 bits for IPv4, 128 for IPv6) so that CIDR matching is one shift and compare.
 */
import type { WebHookAddressRange } from '../errors/unsafe-url-error.js'

/** A parsed address: its version and its value. */
export interface IpAddress {
  version: 4 | 6
  value: bigint
}

/** A parsed CIDR range (a single address is a range of full prefix length). */
export interface IpRange extends IpAddress {
  prefix: number
}

const IPV4_PART = /^(?:0|[1-9]\d{0,2})$/
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/

/** Parses dotted-decimal IPv4 (`192.0.2.1`, no leading zeros, no shorthand). */
export function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let value = 0n
  for (const part of parts) {
    if (!IPV4_PART.test(part)) return undefined
    const byte = Number(part)
    if (byte > 255) return undefined
    value = (value << 8n) | BigInt(byte)
  }
  return value
}

/** Parses IPv6 (`::1`, `fe80::1%eth0`, `::ffff:127.0.0.1`, with or without brackets). */
export function parseIPv6(text: string): bigint | undefined {
  let input = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
  const zone = input.indexOf('%')
  if (zone !== -1) input = input.slice(0, zone)
  if (!input.includes(':')) return undefined

  // An embedded IPv4 tail counts as the last two groups.
  let tail: bigint | undefined
  const lastColon = input.lastIndexOf(':')
  if (input.includes('.', lastColon)) {
    tail = parseIPv4(input.slice(lastColon + 1))
    if (tail === undefined) return undefined
    input = `${input.slice(0, lastColon + 1)}0:0`
  }

  const halves = input.split('::')
  if (halves.length > 2) return undefined
  const head = halves[0] === '' ? [] : halves[0]!.split(':')
  const rest = halves.length === 2 ? (halves[1] === '' ? [] : halves[1]!.split(':')) : []
  const missing = 8 - head.length - rest.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined

  let value = 0n
  for (const group of [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest]) {
    if (!IPV6_GROUP.test(group)) return undefined
    value = (value << 16n) | BigInt(Number.parseInt(group, 16))
  }
  if (tail !== undefined) value = (value & ~0xffffffffn) | tail
  return value
}

/** Parses an IPv4 or IPv6 address; `undefined` when `text` is not an IP literal (a host name, say). */
export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIPv4(text)
  if (v4 !== undefined) return { version: 4, value: v4 }
  const v6 = parseIPv6(text)
  if (v6 !== undefined) return { version: 6, value: v6 }
  return undefined
}

/** Parses `10.0.0.0/8`, `fc00::/7`, or a single address (a range of one). `undefined` when malformed. */
export function parseCidr(text: string): IpRange | undefined {
  const slash = text.indexOf('/')
  const address = parseIp(slash === -1 ? text : text.slice(0, slash))
  if (address === undefined) return undefined
  const bits = address.version === 4 ? 32 : 128
  if (slash === -1) return { ...address, prefix: bits }
  const prefixText = text.slice(slash + 1)
  if (!/^\d{1,3}$/.test(prefixText)) return undefined
  const prefix = Number(prefixText)
  if (prefix > bits) return undefined
  return { ...address, prefix }
}

/** Whether `address` lies in `range` (IPv4-mapped IPv6 addresses are compared as IPv4). */
export function inRange(address: IpAddress, range: IpRange): boolean {
  const plain = unmapIPv4(address)
  // A range written as IPv4-mapped IPv6 (`::ffff:10.0.0.0/104`) is the IPv4 range it maps.
  const target =
    range.version === 6 && range.prefix >= 96 && inRangeExact(range, MAPPED)
      ? { version: 4 as const, value: range.value & 0xffffffffn, prefix: range.prefix - 96 }
      : range
  return inRangeExact(plain, target)
}

const MAPPED = cidr('::ffff:0:0/96')

/** `::ffff:a.b.c.d` as `a.b.c.d`; other addresses as they are. */
export function unmapIPv4(address: IpAddress): IpAddress {
  if (address.version === 6 && inRangeExact(address, MAPPED)) return { version: 4, value: address.value & 0xffffffffn }
  return address
}

function inRangeExact(address: IpAddress, range: IpRange): boolean {
  if (address.version !== range.version) return false
  const shift = BigInt((address.version === 4 ? 32 : 128) - range.prefix)
  return address.value >> shift === range.value >> shift
}

function cidr(text: string): IpRange {
  const range = parseCidr(text)
  if (range === undefined) throw new Error(`bad built-in CIDR ${text}`)
  return range
}

// Most specific first: the first match names the range. https://www.iana.org/assignments/iana-ipv4-special-registry
const IPV4_BLOCKED: ReadonlyArray<readonly [IpRange, WebHookAddressRange]> = [
  [cidr('169.254.169.254/32'), 'cloud-metadata'], // AWS, GCP, Azure, OpenStack…
  [cidr('100.100.100.200/32'), 'cloud-metadata'], // Alibaba Cloud
  [cidr('0.0.0.0/32'), 'unspecified'],
  [cidr('0.0.0.0/8'), 'this-network'],
  [cidr('10.0.0.0/8'), 'private'],
  [cidr('172.16.0.0/12'), 'private'],
  [cidr('192.168.0.0/16'), 'private'],
  [cidr('127.0.0.0/8'), 'loopback'],
  [cidr('169.254.0.0/16'), 'link-local'],
  [cidr('100.64.0.0/10'), 'cgnat'],
  [cidr('192.0.0.0/24'), 'reserved'], // IETF protocol assignments
  [cidr('192.0.2.0/24'), 'reserved'], // documentation (TEST-NET-1)
  [cidr('192.88.99.0/24'), 'reserved'], // 6to4 relay anycast
  [cidr('198.18.0.0/15'), 'reserved'], // benchmarking
  [cidr('198.51.100.0/24'), 'reserved'], // TEST-NET-2
  [cidr('203.0.113.0/24'), 'reserved'], // TEST-NET-3
  [cidr('224.0.0.0/4'), 'multicast'],
  [cidr('255.255.255.255/32'), 'broadcast'],
  [cidr('240.0.0.0/4'), 'reserved'],
]

// https://www.iana.org/assignments/iana-ipv6-special-registry
const IPV6_BLOCKED: ReadonlyArray<readonly [IpRange, WebHookAddressRange]> = [
  [cidr('fd00:ec2::254/128'), 'cloud-metadata'], // AWS IMDS over IPv6
  [cidr('::/128'), 'unspecified'],
  [cidr('::1/128'), 'loopback'],
  [cidr('::/96'), 'reserved'], // deprecated IPv4-compatible addresses
  [cidr('64:ff9b:1::/48'), 'reserved'], // local-use NAT64
  [cidr('100::/64'), 'reserved'], // discard-only
  [cidr('2001:db8::/32'), 'reserved'], // documentation
  [cidr('fe80::/10'), 'link-local'],
  [cidr('fec0::/10'), 'reserved'], // deprecated site-local
  [cidr('fc00::/7'), 'unique-local'],
  [cidr('ff00::/8'), 'multicast'],
]

// IPv6 ranges that carry an IPv4 address, which decides: NAT64 and 6to4 reach the embedded IPv4 host.
const NAT64 = cidr('64:ff9b::/96')
const SIX_TO_FOUR = cidr('2002::/16')

/**
 * The non-public range `address` belongs to, or `undefined` for a public address. IPv4-mapped, NAT64 and 6to4 IPv6
 * addresses are judged by the IPv4 address they carry.
 */
export function classifyAddress(address: IpAddress): WebHookAddressRange | undefined {
  const plain = unmapIPv4(address)
  if (plain.version === 4) return IPV4_BLOCKED.find(([range]) => inRangeExact(plain, range))?.[1]
  if (inRangeExact(plain, NAT64)) return classifyAddress({ version: 4, value: plain.value & 0xffffffffn })
  if (inRangeExact(plain, SIX_TO_FOUR))
    return classifyAddress({ version: 4, value: (plain.value >> 80n) & 0xffffffffn })
  return IPV6_BLOCKED.find(([range]) => inRangeExact(plain, range))?.[1]
}
