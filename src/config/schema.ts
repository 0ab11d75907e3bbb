/**
 * `configurationSchema`: the JSON Schema of the configuration, a superset of Xen Orchestra's web-hooks plugin schema
 * (every XO field with its title, description, enum and default), so a UI that renders XO's plugin form renders ours
 * and a stored XO configuration validates. Functions (`user`, `onError`, `logger`, `transport`…) are code-only options
 * and are not in the schema.
 */

import { MAX_DURATION } from '../validation/check.js'
import { XO_FORMAT_FIELD, XO_TYPE_FIELD, XO_URL_FIELD, XO_WAIT_FOR_RESPONSE_FIELD } from './xo-fields.js'

const DELIVERY_PROPERTIES = {
  timeout: {
    title: 'Timeout (ms)',
    description: 'Request timeout in milliseconds (headers and body)',
    type: 'integer',
    minimum: 1,
    // Every duration is capped where the checks cap it (Node's timers): a form must not accept what configure() refuses.
    maximum: MAX_DURATION,
    default: 10000,
  },
  retry: {
    title: 'Retry',
    description:
      'Retries of failed requests (exponential backoff with jitter, or an explicit schedule); false for none',
    anyOf: [
      { type: 'boolean', enum: [false] },
      {
        type: 'object',
        properties: {
          schedule: {
            title: 'Schedule',
            description: 'Delays in ms before each retry',
            type: 'array',
            items: { type: 'number', minimum: 0, maximum: MAX_DURATION },
          },
          retries: {
            title: 'Retries',
            description: 'Retries after the first attempt',
            type: 'integer',
            minimum: 0,
            default: 5,
          },
          minDelay: { title: 'Minimum delay (ms)', type: 'number', minimum: 0, maximum: MAX_DURATION, default: 1000 },
          maxDelay: { title: 'Maximum delay (ms)', type: 'number', minimum: 0, maximum: MAX_DURATION, default: 300000 },
          jitter: { title: 'Jitter', type: 'boolean', default: true },
        },
      },
    ],
  },
  redirects: {
    title: 'Redirects',
    description: 'Redirects followed at most (307/308 keep the POST and its body); 0: none',
    type: 'integer',
    minimum: 0,
    maximum: 20,
    default: 0,
  },
  concurrency: {
    title: 'Concurrency',
    description: 'Requests in flight at once to one endpoint',
    type: 'integer',
    minimum: 1,
    default: 8,
  },
  secret: {
    title: 'Signing secret',
    description: 'Standard Webhooks secret(s) (whsec_…): requests are signed (webhook-signature header)',
    anyOf: [
      { type: 'string', pattern: '^(whsec_)?[A-Za-z0-9+/]+={0,2}$' },
      { type: 'array', items: { type: 'string', pattern: '^(whsec_)?[A-Za-z0-9+/]+={0,2}$' } },
    ],
  },
  headers: {
    title: 'Headers',
    description: 'Extra request headers, e.g. authorization (content-type and webhook-* are reserved)',
    type: 'object',
    additionalProperties: { type: 'string' },
  },
} as const

/**
 * The JSON Schema of `WebHooksConfig` (its JSON-representable part). `required` of a hook is XO's:
 * `method`, `type`, `url` and `format` (a UI fills `format` from its default).
 *
 * @example new Ajv({ useDefaults: true }).validate(configurationSchema, storedXoConfiguration)
 */
export const configurationSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  description: 'Bind XO API calls to HTTP requests.',
  type: 'object',
  properties: {
    hooks: {
      type: 'array',
      title: 'Hooks',
      items: {
        type: 'object',
        title: 'Hook',
        properties: {
          method: {
            description:
              'The method to be bound to: an API method (vm.start), or a pattern (vm.*: every method starting with vm., *: every method)',
            title: 'Method',
            type: 'string',
          },
          exclude: {
            description: 'Methods or patterns this hook does not fire for, even though method matches them',
            title: 'Excluded methods',
            type: 'array',
            items: { type: 'string' },
          },
          type: XO_TYPE_FIELD,
          url: XO_URL_FIELD,
          format: { ...XO_FORMAT_FIELD, type: 'string' },
          waitForResponse: XO_WAIT_FOR_RESPONSE_FIELD,
          veto: {
            description: 'PRE type only: the call goes ahead only when the hook answers 2xx (implies waiting)',
            title: 'Veto',
            type: 'boolean',
            default: false,
          },
          failOpen: {
            description: 'Veto hooks only: when the hook cannot be reached or times out, let the call go ahead',
            title: 'Fail open',
            type: 'boolean',
            default: false,
          },
          ...DELIVERY_PROPERTIES,
        },
        required: ['method', 'type', 'url', 'format'],
      },
    },
    ...DELIVERY_PROPERTIES,
    includeErrorStack: {
      description: 'Send error stacks in post payloads (XO does)',
      title: 'Include error stacks',
      type: 'boolean',
      default: false,
    },
    maxPayloadBytes: {
      description: 'Largest body sent, in bytes; a larger payload has its largest fields replaced by a marker',
      title: 'Maximum payload size (bytes)',
      type: 'integer',
      minimum: 1,
      default: 1048576,
    },
    redact: {
      description: 'Obfuscation of secrets in payloads (XO obfuscates params); false turns it off',
      title: 'Redaction',
      anyOf: [
        { type: 'boolean', enum: [false] },
        {
          type: 'object',
          properties: {
            keys: { title: 'Keys', type: 'array', items: { type: 'string' } },
            patterns: { title: 'Key patterns (case-insensitive)', type: 'array', items: { type: 'string' } },
            result: { title: 'Redact results', type: 'boolean', default: false },
            error: { title: 'Redact errors', type: 'boolean', default: false },
            replacement: { title: 'Replacement', type: 'string', default: '* obfuscated *' },
          },
        },
      ],
    },
  },
  required: ['hooks'],
} as const
