import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    receiver: 'src/receiver/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  splitting: true,
  treeshake: true,
  // ky and nanoid are ESM-only: bundle them into the CommonJS build so `require('rpc-web-hooks')` works on Node 20.
  noExternal: ['ky', 'nanoid'],
})
