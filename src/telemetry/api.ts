/**
 * The optional `@opentelemetry/api` (an optional peer dependency, issue 14), loaded on first use: `undefined` when it
 * cannot be resolved, and the library then does nothing for telemetry. Loaded with `require` (the API package ships
 * CommonJS) from this file's location, so both builds (ESM and CJS) resolve it as the user's code would, and neither
 * fails to load when it is missing.
 */
import { createRequire } from 'node:module'
import type * as OpenTelemetryApi from '@opentelemetry/api'

export type OtelApi = typeof OpenTelemetryApi

let loaded: OtelApi | null | undefined

/** The `@opentelemetry/api` module, or `undefined` when it is not installed. */
export function otelApi(): OtelApi | undefined {
  if (loaded === undefined) {
    try {
      // `__filename` in the CommonJS build, `import.meta.url` in the ES module build.
      const from = typeof __filename === 'string' ? __filename : import.meta.url
      loaded = createRequire(from)('@opentelemetry/api') as OtelApi
    } catch {
      loaded = null
    }
  }
  return loaded ?? undefined
}
