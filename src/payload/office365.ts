/**
 * The `office365` format: Xen Orchestra's Microsoft Teams MessageCard, one fact per payload field (except `type`),
 * strings as they are and other values JSON-encoded.
 */
import type { PayloadObject } from './build.js'
import type { WebHookOffice365Card } from './types.js'

export function toOffice365Card(payload: PayloadObject): WebHookOffice365Card {
  const facts: Array<{ name: string; value: string }> = []
  for (const [name, value] of Object.entries(payload)) {
    if (name === 'type') continue
    facts.push({ name, value: typeof value === 'string' ? value : JSON.stringify(value) })
  }
  return {
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    themeColor: '6B63BF',
    summary: 'New notification from the Xen-Orchestra webhook plugin',
    sections: [{ title: `XO ${String(payload.type).toUpperCase()} notification`, facts }],
  }
}
