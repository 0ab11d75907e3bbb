import { readFileSync } from 'node:fs'
import { defineConfig, type Options } from 'tsup'

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }

const entry: Options['entry'] = {
  index: 'src/index.ts',
  receiver: 'src/receiver/index.ts',
  // `rpc-web-hooks/xo` (XO loads it with require: the CJS build exposes `.default`) and `rpc-web-hooks/json-rpc-2.0`
  // (json-rpc-2.0 is an optional peer dependency, external like every dependency).
  xo: 'src/adapters/xo/index.ts',
  'json-rpc-2.0': 'src/adapters/json-rpc-2.0/index.ts',
  // `rpc-web-hooks/json-rpc-peer`, `rpc-web-hooks/jayson` and `rpc-web-hooks/trpc`: the first two import nothing of
  // their framework; the tRPC one imports `@trpc/server` (an optional peer dependency, external like every dependency).
  'json-rpc-peer': 'src/adapters/json-rpc-peer/index.ts',
  jayson: 'src/adapters/jayson/index.ts',
  trpc: 'src/adapters/trpc/index.ts',
  // `rpc-web-hooks/sqlite` and `rpc-web-hooks/bullmq`: durable stores on optional peer dependencies (better-sqlite3,
  // bullmq with its ioredis), external like every dependency.
  sqlite: 'src/stores/sqlite/index.ts',
  bullmq: 'src/stores/bullmq/index.ts',
  // `rpc-web-hooks/dashboard` (issue 15): the handlers; the page they serve is built below.
  dashboard: 'src/dashboard/index.ts',
}

const common: Options = {
  entry,
  dts: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  treeshake: true,
  // The version telemetry reports as its instrumentation scope's (src/telemetry/scope.ts).
  define: { __RPC_WEB_HOOKS_VERSION__: JSON.stringify(version) },
}

export default defineConfig([
  { ...common, format: ['esm'], splitting: true },
  // ky and nanoid are ESM-only: the CommonJS build bundles them so `require('rpc-web-hooks')` works on Node 20
  // (Node 20 cannot `require()` an ES module without a flag).
  // shims: `import.meta.url` for the stores' driver loader (src/stores/peer.ts). esbuild alone shakes it (no rollup
  // pass): rollup warned at every build that dist/xo.cjs mixes named and default exports, which is the intended shape
  // (XO reads `.default`, code reads the named exports).
  { ...common, format: ['cjs'], noExternal: ['ky', 'nanoid'], shims: true, treeshake: false },
  // The `rpc-web-hooks` command (package.json `bin`): ESM only, no type declarations; esbuild keeps the shebang.
  // `replay` loads the durable stores' drivers on demand: they stay external (installed by the user), never bundled.
  {
    entry: { cli: 'src/cli/index.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    external: ['better-sqlite3', 'bullmq', 'ioredis'],
  },
  // The dashboard's page (issue 15): one minified browser script with Preact, htm and uPlot inside, and its CSS, in
  // dist/dashboard-assets/, read by src/dashboard/assets.ts. Nothing from a CDN: it works offline.
  {
    entry: { app: 'src/dashboard/client/main.ts' },
    outDir: 'dist/dashboard-assets',
    format: ['iife'],
    platform: 'browser',
    target: 'es2020',
    minify: true,
    noExternal: [/.*/],
    outExtension: () => ({ js: '.js' }),
  },
])
