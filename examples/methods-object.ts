/**
 * Web hooks on a plain object of methods: the smallest host. The dispatcher looks the method up and calls it with the
 * params and the caller's context; `withWebHooks` adds the hooks. Receivers type payloads with the same method map.
 */
import type { WebHookPayload, WebHooksConfig } from '../src/index.js'
import { withWebHooks } from '../src/with-web-hooks.js'

/** Who calls: what your transport knows (a session, a token…). */
export interface Context {
  userId: string
  ip?: string
}

/** The methods: any object whose values take `(params, context)`. */
export const api = {
  'vm.start': async ({ id }: { id: string }, _context: Context) => ({ id, running: true }),
  'vm.stop': async ({ id }: { id: string }, _context: Context) => {
    if (id === 'locked') throw Object.assign(new Error(`VM ${id} is locked`), { code: 'VM_LOCKED' })
  },
  'host.list': async (_params: Record<string, never>, _context: Context) => ['host-1', 'host-2'],
}

/** The method map, for receivers: `WebHookPayload<ApiSpec>` narrows `params` and `result` by `method`. */
export type ApiSpec = {
  [M in keyof typeof api]: {
    params: Parameters<(typeof api)[M]>[0]
    result: Awaited<ReturnType<(typeof api)[M]>>
  }
}

/** Wraps the object's dispatcher with web hooks. */
export function createApi(config: Omit<WebHooksConfig<Context>, 'user'>) {
  return withWebHooks(
    (method: string, params: any, context: Context) => {
      if (!Object.hasOwn(api, method)) throw new Error(`no such method: ${method}`)
      return api[method as keyof typeof api](params, context)
    },
    { ...config, user: context => ({ id: context.userId, ip: context.ip }) }
  )
}

/** A receiver's view: narrowed by `method` and `type`. */
export function describePayload(payload: WebHookPayload<ApiSpec>): string {
  if (payload.method === 'vm.start' && payload.type === 'post' && 'result' in payload && payload.result !== undefined) {
    return `vm ${payload.params.id} running: ${payload.result.running}`
  }
  return `${payload.type} ${payload.method}`
}
