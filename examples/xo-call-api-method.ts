/**
 * Web hooks in Xen Orchestra's dispatcher itself: `withWebHooks` around an XO-style
 * `callApiMethod(connection, name, params)`. Unlike the plugin (`rpc-web-hooks/xo`), which XO core calls but whose
 * errors it ignores, a wrapper sits in the call path: a veto hook that refuses a call stops it, and the client gets
 * the `WebHookVetoError`.
 *
 * For an XO fork (or any host with the same shape): `hookXoApi(xo, { hooks })` replaces `xo.callApiMethod`. Do not
 * also load the plugin with the same hooks, or they are sent twice.
 */
import { WebHookVetoError } from '../src/errors/veto-error.js'
import type { HookConfig, WebHooksConfig } from '../src/index.js'
import { type WebHooksController, withWebHooks } from '../src/with-web-hooks.js'

/** XO's connection: per-session values such as `user_id` and `user_ip`. */
export interface XoConnection {
  get(key: string, defaultValue?: string): string | undefined
}

/** The part of XO's app object this needs. */
export interface XoApp {
  callApiMethod(connection: XoConnection, name: string, params: Record<string, unknown>): Promise<unknown>
  getUser(id: string): Promise<{ email: string }>
}

/**
 * Wraps `xo.callApiMethod` with web hooks; returns the controller (`configure`, `test`, `close`, `stats`, `on`).
 *
 * @example
 * const webHooks = hookXoApi(xo, { hooks: [{ method: 'vm.delete', type: 'pre', url: 'https://guard.example/', veto: true }] })
 */
export function hookXoApi(
  xo: XoApp,
  config: Omit<WebHooksConfig<XoConnection, Record<string, unknown>>, 'user'>
): WebHooksController<XoConnection, Record<string, unknown>> {
  const callApiMethod = xo.callApiMethod.bind(xo)
  const call = withWebHooks(
    (name: string, params: Record<string, unknown>, connection: XoConnection) =>
      callApiMethod(connection, name, params),
    {
      ...config,
      // XO's payload: userId from the connection, userName the user's e-mail, userIp the connection's address.
      user: async connection => {
        const id = connection.get('user_id', undefined)
        const name = id === undefined ? undefined : (await xo.getUser(id).catch(() => undefined))?.email
        return { id, name: name ?? '(unknown user)', ip: connection.get('user_ip', undefined) }
      },
    }
  )
  xo.callApiMethod = (connection, name, params) => call(name, params, connection)
  return call.webHooks
}

/** A tiny XO-shaped app for the demo and the tests. */
export function createDemoXo(methods: Record<string, (params: Record<string, unknown>) => unknown>): XoApp {
  return {
    async callApiMethod(_connection, name, params) {
      const method = methods[name]
      if (method === undefined) throw new Error(`no such method: ${name}`)
      return method(params)
    },
    async getUser(id) {
      return { email: `${id}@example.com` }
    },
  }
}

/** A connection as XO keeps it. */
export function demoConnection(values: Record<string, string>): XoConnection {
  return { get: (key, defaultValue) => values[key] ?? defaultValue }
}

/** Calls `vm.delete` through the hooked dispatcher; answers what the client would see. */
export async function deleteVm(xo: XoApp, connection: XoConnection, id: string): Promise<string> {
  try {
    await xo.callApiMethod(connection, 'vm.delete', { id })
    return 'deleted'
  } catch (error) {
    if (error instanceof WebHookVetoError) return `refused: ${error.reason ?? error.message}`
    throw error
  }
}

/** Hooks of the demo: a veto on `vm.delete`, and every `vm.*` call reported. */
export function demoHooks(guardUrl: string, auditUrl: string): HookConfig[] {
  return [
    { method: 'vm.delete', type: 'pre', url: guardUrl, veto: true },
    { method: 'vm.*', type: 'post', url: auditUrl },
  ]
}
