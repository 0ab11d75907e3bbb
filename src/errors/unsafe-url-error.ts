import { WebHookError } from './web-hook-error.js'

/** What kind of address was refused by the safe-URL policy. */
export type WebHookAddressRange =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'unique-local'
  | 'unspecified'
  | 'this-network'
  | 'cloud-metadata'
  | 'multicast'
  | 'broadcast'
  | 'reserved'

/**
 * A hook's URL was refused because `safeUrls` is on and its host is, or resolves to, a private, loopback, link-local,
 * CGNAT, cloud-metadata or otherwise non-public address. Reported like any delivery failure (never retried usefully);
 * the message names the host and address, never URL credentials.
 */
export class WebHookUnsafeUrlError extends WebHookError {
  override name = 'WebHookUnsafeUrlError' as const
  declare readonly code: 'ERR_WEB_HOOK_UNSAFE_URL'
  /** The host name (or IP literal) of the URL. */
  readonly host: string
  /** The refused address. */
  readonly address: string
  /** Why the address was refused. */
  readonly range: WebHookAddressRange

  constructor(host: string, address: string, range: WebHookAddressRange) {
    const resolved = host === address ? address : `${host} (resolved to ${address})`
    super(
      'ERR_WEB_HOOK_UNSAFE_URL',
      `Refused to send a web hook to ${resolved}: it is a ${range} address and safeUrls refuses non-public ` +
        `addresses. If this target is intended, add its host, address or CIDR range to safeUrls.allow.`
    )
    this.host = host
    this.address = address
    this.range = range
  }
}
