/**
 * Loads a store's driver, an optional peer dependency (better-sqlite3, bullmq), when the store is created rather than
 * when its entry is imported: a missing package then is a `WebHookStoreError` naming what to install, where a static
 * import would fail with a bare `MODULE_NOT_FOUND` (issue 12, item 18). `require` resolves from this package's
 * location, as the static import did; the CommonJS build gets `import.meta.url` from tsup's shim.
 */
import { createRequire } from 'node:module'
import { WebHookStoreError } from '../errors/store-error.js'

const load = createRequire(import.meta.url)
const loaded = new Map<string, unknown>()

function isMissing(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${name}'`)
}

/**
 * The module `name`, required once; `needs` lists packages it loads in turn (bullmq's ioredis), named too when they
 * are the missing one. Any other load failure (a native binding built for another Node) is thrown as is.
 */
export function loadPeer<T>(name: string, store: string, factory: string, needs: readonly string[] = []): T {
  if (loaded.has(name)) return loaded.get(name) as T
  let module: T
  try {
    module = load(name) as T
  } catch (error) {
    const missing = [name, ...needs].find(peer => isMissing(error, peer))
    if (missing === undefined) throw error
    throw new WebHookStoreError(
      'ERR_WEB_HOOK_STORE_PEER_MISSING',
      store,
      `${factory}() needs the package ${missing}, an optional peer dependency of rpc-web-hooks that is not installed (npm install ${missing})`,
      { cause: error }
    )
  }
  loaded.set(name, module)
  return module
}

/** Where `name` resolves from this package (for a worker thread to require it), or undefined if it does not. */
export function peerPath(name: string): string | undefined {
  try {
    return load.resolve(name)
  } catch {
    return undefined
  }
}
