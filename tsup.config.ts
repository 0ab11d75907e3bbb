import { defineConfig, type Options } from 'tsup'

const entry: Options['entry'] = {
  index: 'src/index.ts',
  receiver: 'src/receiver/index.ts',
}

const common: Options = {
  entry,
  dts: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  treeshake: true,
}

export default defineConfig([
  { ...common, format: ['esm'], splitting: true },
  // ky and nanoid are ESM-only: the CommonJS build bundles them so `require('rpc-web-hooks')` works on Node 20
  // (Node 20 cannot `require()` an ES module without a flag).
  { ...common, format: ['cjs'], noExternal: ['ky', 'nanoid'] },
])
