import { describe, expect, it } from 'vitest'
import { classifyAddress, inRange, parseCidr, parseIp, parseIPv6 } from '../../src/security/ip.js'
import { isPublicAddress } from '../../src/security/safe-url.js'

const classify = (text: string) => {
  const ip = parseIp(text)
  if (ip === undefined) throw new Error(`not an IP: ${text}`)
  return classifyAddress(ip)
}

describe('IP parsing', () => {
  it('parses IPv4 strictly', () => {
    expect(parseIp('192.0.2.1')).toEqual({ version: 4, value: 0xc0000201n })
    for (const bad of ['256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '0x7f.0.0.1', '1.2.3.-4', '', 'localhost']) {
      expect(parseIp(bad), bad).toBeUndefined()
    }
  })

  it('parses IPv6 in its usual forms', () => {
    expect(parseIPv6('::1')).toBe(1n)
    expect(parseIPv6('::')).toBe(0n)
    expect(parseIPv6('[::1]')).toBe(1n)
    expect(parseIPv6('fe80::1%eth0')).toBe((0xfe80n << 112n) | 1n)
    expect(parseIPv6('::ffff:127.0.0.1')).toBe((0xffffn << 32n) | 0x7f000001n)
    expect(parseIPv6('::ffff:7f00:1')).toBe((0xffffn << 32n) | 0x7f000001n)
    expect(parseIPv6('2001:db8:0:0:0:0:0:1')).toBe(parseIPv6('2001:db8::1'))
    for (const bad of ['1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', 'g::1', '12345::', '::ffff:1.2.3', ':::']) {
      expect(parseIPv6(bad), bad).toBeUndefined()
    }
  })

  it('parses CIDRs and matches them, IPv4-mapped addresses as IPv4', () => {
    const range = parseCidr('10.1.2.0/24')!
    expect(inRange(parseIp('10.1.2.200')!, range)).toBe(true)
    expect(inRange(parseIp('10.1.3.1')!, range)).toBe(false)
    expect(inRange(parseIp('::ffff:10.1.2.3')!, range)).toBe(true)
    expect(inRange(parseIp('10.1.2.3')!, parseCidr('::ffff:10.1.2.0/120')!)).toBe(true)
    expect(inRange(parseIp('10.1.3.3')!, parseCidr('::ffff:10.1.2.0/120')!)).toBe(false)
    expect(inRange(parseIp('fd12::1')!, parseCidr('fd12::/16')!)).toBe(true)
    expect(parseCidr('10.0.0.0/33')).toBeUndefined()
    expect(parseCidr('::/129')).toBeUndefined()
    expect(parseCidr('10.0.0.0/x')).toBeUndefined()
    expect(parseCidr('1.2.3.4')).toEqual({ version: 4, value: 0x01020304n, prefix: 32 })
  })
})

describe('address classification', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['fc00::1', 'unique-local'],
    ['fdff::1', 'unique-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['0.1.2.3', 'this-network'],
    ['169.254.169.254', 'cloud-metadata'],
    ['fd00:ec2::254', 'cloud-metadata'],
    ['100.100.100.200', 'cloud-metadata'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'cloud-metadata'],
    ['::ffff:10.0.0.1', 'private'],
    ['::127.0.0.1', 'reserved'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:c0a8:0101::1', 'private'],
  ])('%s is %s', (address, range) => {
    expect(classify(address)).toBe(range)
    expect(isPublicAddress(address)).toBe(false)
  })

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '169.253.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:0808:0808::1',
  ])('%s is public', address => {
    expect(classify(address)).toBeUndefined()
    expect(isPublicAddress(address)).toBe(true)
  })

  it('does not call a host name public', () => {
    expect(isPublicAddress('example.com')).toBe(false)
  })
})
