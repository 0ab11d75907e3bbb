/**
 * The JSON Schemas Xen Orchestra shows (xo-web's plugin form) and validates (Ajv, `useDefaults`) before it calls
 * `configure()` and `test()`. A superset of xo-server-web-hooks 0.4.0's: every XO field keeps its title, description,
 * enum, enumNames and default, so a stored XO configuration validates and means the same; our fields are optional.
 * Built from the generic `configurationSchema` (src/config/schema.ts, issue 11 item 6): each of its fields is either
 * taken, with XO's differences on top (headers as name/value pairs, `retries` a number, XO's texts, `includeErrorStack`
 * on), or left out on purpose with a reason; the types make a new generic field a compile error here until decided.
 *
 * @see ../../../docs/xo-plugin.md
 */
import type { XoLike } from './types.js'
import { configurationSchema as generic } from '../../config/schema.js'
import { XO_FORMAT_FIELD } from '../../config/xo-fields.js'

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

/** A field of the generic schema XO's form leaves out, and why. */
type Omitted = { omitted: string }

/** What XO's form makes of each field of the generic schema: XO's own field, or left out on purpose. */
type XoField = XoJsonSchema | Omitted

type GenericHook = typeof generic.properties.hooks.items.properties

/**
 * Every field of the generic hook, decided (TypeScript checks that none is missing, so a field added to the generic
 * `configurationSchema` has to be decided here), plus XO's own `retries`. The order of the keys is the form's.
 */
type HookPlan = { [K in keyof GenericHook]: XoField } & { retries: XoJsonSchema }

/** Every top-level field of the generic schema, decided, as the hook's. */
type TopPlan = { [K in keyof typeof generic.properties]: XoField }

/** `schema` without the keywords `keys`, the order of the rest kept. */
function without<T extends object, K extends keyof T>(schema: T, ...keys: K[]): Omit<T, K> {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => !keys.includes(key as K))) as Omit<T, K>
}

const PER_HOOK = "XO's form sets it per hook"

/** XO's hook: the generic one's fields, with XO's differences on top (a form-friendly shape, XO's texts). */
function hookPlan(methods: readonly string[]): HookPlan {
  const field = generic.properties.hooks.items.properties
  return {
    method: methodSchema(
      methods,
      field.method.title,
      'The method to be bound to: an API method, or a pattern (`vm.*`: every method starting with `vm.`, `*`: every method)'
    ),
    type: field.type,
    url: field.url,
    // XO's format field has no `type` (its enum says it all).
    format: without(field.format, 'type'),
    waitForResponse: field.waitForResponse,
    exclude: {
      ...field.exclude,
      description: 'Methods or patterns this hook does not fire for, even though `method` matches them',
      items: methodSchema(methods, 'Excluded method', 'An API method or a pattern'),
    },
    // One secret, a string: XO's form has no list (rotation is code-only).
    secret: {
      description:
        'Standard Webhooks secret (`whsec_…`): requests are signed (`webhook-signature` header). Generate one with `generateSecret()` of rpc-web-hooks',
      title: field.secret.title,
      type: 'string',
      pattern: '^whsec_',
    },
    // Name/value pairs: XO's form renders no free-form object (config.ts turns them into the object).
    headers: {
      description: 'Extra request headers, e.g. `authorization` (`content-type` and `webhook-*` are reserved)',
      title: field.headers.title,
      type: 'array',
      items: {
        type: 'object',
        title: 'Header',
        properties: { name: { title: 'Name', type: 'string' }, value: { title: 'Value', type: 'string' } },
        required: ['name', 'value'],
      },
    },
    // A number in place of `retry` (config.ts: 0 is `false`, n is `{ retries: n }`).
    retries: {
      description:
        'Retries after a failed request (exponential backoff with jitter); 0 for none. Default: the library default (5)',
      ...without(field.retry.anyOf[1].properties.retries, 'description', 'default'),
    },
    timeout: { description: 'Request timeout in milliseconds', ...without(field.timeout, 'description') },
    veto: {
      ...without(field.veto, 'default'),
      description:
        'PRE type only: the call should go ahead only when the hook answers 2xx. XO itself does not stop a call for a plugin: see the documentation',
    },
    failOpen: {
      ...without(field.failOpen, 'default'),
      description: 'Veto hooks only: when the hook cannot be reached, let the call go ahead',
    },
    retry: { omitted: "the form's `retries`, a number, stands for it" },
    redirects: { omitted: `XO follows redirects as its own HTTP helper does (XO_REDIRECTS in config.ts)` },
    concurrency: { omitted: 'the library default' },
  }
}

/** XO's top level: the hooks and the error stacks (XO sends them: default true); the rest is per hook or code-only. */
function topPlan(hooks: XoJsonSchema): TopPlan {
  const field = generic.properties
  return {
    hooks,
    includeErrorStack: {
      ...field.includeErrorStack,
      description: 'Send error stacks in POST payloads (XO does)',
      default: true,
    },
    timeout: { omitted: PER_HOOK },
    retry: { omitted: PER_HOOK },
    redirects: { omitted: PER_HOOK },
    concurrency: { omitted: PER_HOOK },
    secret: { omitted: PER_HOOK },
    headers: { omitted: PER_HOOK },
    maxPayloadBytes: { omitted: 'the library default' },
    redact: { omitted: 'XO obfuscates params, the library default' },
  }
}

/** The plan's fields, those left out dropped. */
function fieldsOf(plan: Record<string, XoField>): XoJsonSchema {
  return Object.fromEntries(Object.entries(plan).filter(([, value]) => !('omitted' in value)))
}

/** The fields of the generic schema XO's form leaves out, with why (hook fields as `hooks[].name`), for the tests. */
export function omittedFields(): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(topPlan({}))) if ('omitted' in value) out[key] = value.omitted as string
  for (const [key, value] of Object.entries(hookPlan([])))
    if ('omitted' in value) out[`hooks[].${key}`] = value.omitted as string
  return out
}

/**
 * The configuration schema, a function of `{ xo }` as XO calls it, so the method list is XO's own. Built from the
 * generic `configurationSchema` (src/config/schema.ts): its fields, XO's differences on top.
 *
 * @example configurationSchema({ xo }).properties.hooks.items.properties.method.anyOf[0].enum // ['acl.add', …]
 */
export function configurationSchema({ xo }: { xo?: XoLike } = {}): XoJsonSchema {
  const { hooks } = generic.properties
  const hook = hooks.items
  const items = {
    type: hook.type,
    title: hook.title,
    properties: fieldsOf(hookPlan(apiMethodNames(xo))),
    required: hook.required,
  }
  const properties = fieldsOf(topPlan({ type: hooks.type, title: hooks.title, items }))
  // A copy of its own per call: nothing XO does to it reaches the generic schema.
  return structuredClone({
    description: generic.description,
    type: generic.type,
    properties,
    required: generic.required,
  })
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
