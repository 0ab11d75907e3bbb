/**
 * The built package's types under every module resolution a TypeScript user may have: `node10` (`"module":
 * "commonjs"` without `moduleResolution`, through package.json `typesVersions`), `node16` from CommonJS and from ESM,
 * and `bundler`. Each consumer imports every subpath by name from a folder whose node_modules/rpc-web-hooks links to
 * the package (node10 knows no self-reference). `npm test` builds first; skipped when dist/ is missing.
 */
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const built = existsSync(`${root}/dist/index.d.cts`)
const folder = fileURLToPath(new URL(`./.resolutions-${process.pid}`, import.meta.url))

/** Every entry point, with a use of it that only type-checks when its declarations were found (not `any`). */
const consumer = `
import { withWebHooks, WebHookConfigError } from 'rpc-web-hooks'
import { createReceiver, verifyWebHook } from 'rpc-web-hooks/receiver'
import createPlugin, { configurationSchema } from 'rpc-web-hooks/xo'
import { webHooksMiddleware, WEB_HOOK_VETO_ERROR_CODE } from 'rpc-web-hooks/json-rpc-2.0'
import { sqliteStore } from 'rpc-web-hooks/sqlite'
import { bullmqStore } from 'rpc-web-hooks/bullmq'
import { createDashboard } from 'rpc-web-hooks/dashboard'

const code: string = new WebHookConfigError('ERR_WEB_HOOK_CONFIG_VALUE', 'hooks', 'y').code
const checks: Array<(...args: never[]) => unknown> = [withWebHooks, createReceiver, verifyWebHook, createPlugin,
  configurationSchema, webHooksMiddleware, sqliteStore, bullmqStore, createDashboard]
const veto: number = WEB_HOOK_VETO_ERROR_CODE
// @ts-expect-error: typed, not any: the filename is a string
sqliteStore({ filename: 42 })
// @ts-expect-error: typed, not any: hooks is required
createReceiver(42)
// @ts-expect-error: typed, not any: authorize is required
createDashboard(withWebHooks(async () => 1, { hooks: [] }).webHooks, {})
export { code, checks, veto }
`

const resolutions: Record<string, { file: string; options: ts.CompilerOptions }> = {
  node10: { file: 'node10.ts', options: { module: ts.ModuleKind.CommonJS } },
  'node16 (from CJS)': {
    file: 'node16.cts',
    options: { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 },
  },
  'node16 (from ESM)': {
    file: 'node16.mts',
    options: { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 },
  },
  bundler: {
    file: 'bundler.ts',
    options: { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler },
  },
}

beforeAll(() => {
  if (!built) return
  rmSync(folder, { recursive: true, force: true })
  mkdirSync(join(folder, 'node_modules'), { recursive: true })
  symlinkSync(root, join(folder, 'node_modules', 'rpc-web-hooks'), 'dir')
})
afterAll(() => rmSync(folder, { recursive: true, force: true }))

describe.skipIf(!built)('types of every subpath under every module resolution', () => {
  it.each(Object.entries(resolutions))('%s', (_name, { file, options }) => {
    const path = join(folder, file)
    writeFileSync(path, consumer)
    const program = ts.createProgram([path], {
      ...options,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
      typeRoots: [join(root, 'node_modules/@types')],
    })
    const errors = ts
      .getPreEmitDiagnostics(program)
      .map(diagnostic => `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`)
    expect(errors).toEqual([])
  })
})

describe('package.json typesVersions', () => {
  it('maps every subpath of exports to its CommonJS declarations (node10 reads no exports)', async () => {
    const { default: manifest } = await import('../../package.json', { with: { type: 'json' } })
    const subpaths = Object.entries(manifest.exports)
      .filter(([subpath]) => subpath !== '.' && subpath !== './package.json')
      .map(([subpath, target]) => [subpath.slice(2), [(target as { require: { types: string } }).require.types]])
    expect(manifest.typesVersions['*']).toEqual(Object.fromEntries(subpaths))
  })
})
