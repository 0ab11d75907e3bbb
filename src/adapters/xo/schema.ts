/**
 * The JSON Schemas Xen Orchestra shows (xo-web's plugin form) and validates (Ajv, `useDefaults`) before it calls
 * `configure()` and `test()`. A superset of xo-server-web-hooks 0.4.0's: every XO field keeps its title, description,
 * enum, enumNames and default, so a stored XO configuration validates and means the same; our fields are optional.
 *
 * @see ../../../docs/xo-plugin.md
 */
import type { XoLike } from './types.js'
import { XO_FORMAT_FIELD, XO_TYPE_FIELD, XO_URL_FIELD, XO_WAIT_FOR_RESPONSE_FIELD } from '../../config/xo-fields.js'

/** A JSON Schema object, as XO reads it. */
export type XoJsonSchema = { [keyword: string]: unknown }

/** A method pattern: any string with a `*` (`vm.*`, `*`). */
const PATTERN = { type: 'string', pattern: '\\*' } as const

/**
 * A method field: a known API method (XO's enum) or a pattern. It is `type: 'string'` without a top-level `enum` so
 * xo-web renders a free-text field (a top-level `anyOf` alone would break xo-web's form, which dispatches on `enum`
 * then `type`). Only keywords XO's Ajv knows: a non-standard one (`defaults`) made it log
 * `strict mode: unknown keyword` on every configure (issue #12, item 5); the method names are in the `anyOf` enum.
 */
function methodSchema(methods: readonly string[], title: string, description: string): XoJsonSchema {
  return {
    title,
    description,
    type: 'string',
    anyOf: [{ enum: methods }, PATTERN],
    examples: ['vm.start', 'vm.*', '*'],
  }
}

/** The names of the API methods XO knows, sorted (XO's enum). */
function apiMethodNames(xo: XoLike | undefined): string[] {
  return Object.keys(xo?.apiMethods ?? {}).sort()
}

/**
 * The configuration schema, a function of `{ xo }` as XO calls it, so the method list is XO's own.
 *
 * @example configurationSchema({ xo }).properties.hooks.items.properties.method.anyOf[0].enum // ['acl.add', …]
 */
export function configurationSchema({ xo }: { xo?: XoLike } = {}): XoJsonSchema {
  const methods = apiMethodNames(xo)
  return {
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
            method: methodSchema(
              methods,
              'Method',
              'The method to be bound to: an API method, or a pattern (`vm.*`: every method starting with `vm.`, `*`: every method)'
            ),
            type: XO_TYPE_FIELD,
            url: XO_URL_FIELD,
            format: XO_FORMAT_FIELD,
            waitForResponse: XO_WAIT_FOR_RESPONSE_FIELD,
            exclude: {
              description: 'Methods or patterns this hook does not fire for, even though `method` matches them',
              title: 'Excluded methods',
              type: 'array',
              items: methodSchema(methods, 'Excluded method', 'An API method or a pattern'),
            },
            secret: {
              description:
                'Standard Webhooks secret (`whsec_…`): requests are signed (`webhook-signature` header). Generate one with `generateSecret()` of rpc-web-hooks',
              title: 'Signing secret',
              type: 'string',
              pattern: '^whsec_',
            },
            headers: {
              description: 'Extra request headers, e.g. `authorization` (`content-type` and `webhook-*` are reserved)',
              title: 'Headers',
              type: 'array',
              items: {
                type: 'object',
                title: 'Header',
                properties: {
                  name: { title: 'Name', type: 'string' },
                  value: { title: 'Value', type: 'string' },
                },
                required: ['name', 'value'],
              },
            },
            retries: {
              description:
                'Retries after a failed request (exponential backoff with jitter); 0 for none. Default: the library default (5)',
              title: 'Retries',
              type: 'integer',
              minimum: 0,
            },
            timeout: {
              description: 'Request timeout in milliseconds',
              title: 'Timeout (ms)',
              type: 'integer',
              minimum: 1,
              default: 10000,
            },
            veto: {
              description:
                'PRE type only: the call should go ahead only when the hook answers 2xx. XO itself does not stop a call for a plugin: see the documentation',
              title: 'Veto',
              type: 'boolean',
            },
            failOpen: {
              description: 'Veto hooks only: when the hook cannot be reached, let the call go ahead',
              title: 'Fail open',
              type: 'boolean',
            },
          },
          required: ['method', 'type', 'url', 'format'],
        },
      },
      includeErrorStack: {
        description: 'Send error stacks in POST payloads (XO does)',
        title: 'Include error stacks',
        type: 'boolean',
        default: true,
      },
    },
    required: ['hooks'],
  }
}

/**
 * The test form, optional: XO 0.3.x's (URL and format; 0.4.0 has none and its `test()` ignores its argument). With a
 * URL, the test sends a sample `vm.start` pre and post to it; without one, it tests every configured hook as XO
 * 0.4.0 does.
 */
export const testSchema: XoJsonSchema = {
  type: 'object',
  description:
    'With a URL: sends a sample `vm.start` hook (both "pre" and "post") to it. Without: sends a sample to every configured hook',
  properties: {
    url: {
      title: 'URL',
      type: 'string',
      description: 'The URL the test request will be sent to (leave empty to test the configured hooks)',
    },
    format: XO_FORMAT_FIELD,
  },
}
