/**
 * The `office365` format: Xen Orchestra's Microsoft Teams MessageCard, one fact per payload field (except `type`),
 * strings as they are and other values JSON-encoded.
 *
 * As XO, the facts follow the key order of the host's call data (for XO's backup events, the backup data's order,
 * not the API call's), and a field the host gave as `undefined` (`userIp` on an internal call, `userId` with nobody
 * signed in) is still a fact, with no `value` (issue #12, item 3).
 */
import type { PayloadObject } from './build.js'
import type { WebHookOffice365Card } from './types.js'

/** The payload fields a card may list; any other key of the call data is not a payload field. */
const FIELDS = new Set([
  'callId',
  'userId',
  'userName',
  'userIp',
  'method',
  'params',
  'timestamp',
  'duration',
  'result',
  'error',
])

/** The payload fields of `data` (the host's call data), in its own key order: the order of the card's facts. */
export function factOrder(data: object): string[] {
  return Object.keys(data).filter(key => FIELDS.has(key))
}

type Fact = WebHookOffice365Card['sections'][number]['facts'][number]

function fact(name: string, value: unknown): Fact {
  return value === undefined ? { name } : { name, value: typeof value === 'string' ? value : JSON.stringify(value) }
}

/**
 * The card of `payload`. `order`: the fields to list first, in that order (a field missing from `payload` gives a
 * fact with no value); the payload's other fields follow in its own order.
 */
export function toOffice365Card(payload: PayloadObject, order: readonly string[] = []): WebHookOffice365Card {
  const facts: Fact[] = []
  for (const name of order) facts.push(fact(name, payload[name]))
  for (const [name, value] of Object.entries(payload)) {
    if (name === 'type' || order.includes(name)) continue
    facts.push(fact(name, value))
  }
  return {
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    themeColor: '6B63BF',
    summary: 'New notification from the Xen-Orchestra webhook plugin',
    sections: [{ title: `XO ${String(payload.type).toUpperCase()} notification`, facts }],
  }
}
