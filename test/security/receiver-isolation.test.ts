import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const FORBIDDEN = [
  /^ky$/,
  /^undici$/,
  /^nanoid$/,
  /\/src\/delivery\//,
  /\/src\/with-web-hooks\.ts$/,
  /\/src\/config\/normalize\.ts$/,
]

/** Every module the file imports at runtime (not `import type`), followed through relative imports. */
function runtimeImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen
  seen.add(file)
  const source = readFileSync(file, 'utf8')
  const pattern = /^\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm
  for (const match of source.matchAll(pattern)) {
    const specifier = (match[1] ?? match[2])!
    if (!specifier.startsWith('.')) {
      seen.add(specifier)
      continue
    }
    runtimeImports(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')), seen)
  }
  return seen
}

describe('rpc-web-hooks/receiver', () => {
  it('imports nothing of the sender and nothing beyond the standard library', () => {
    const imports = [...runtimeImports(resolve(ROOT, 'src/receiver/index.ts'))]
    expect(imports).toContain(resolve(ROOT, 'src/receiver/verify.ts'))
    for (const specifier of imports) {
      expect(
        FORBIDDEN.some(pattern => pattern.test(specifier)),
        specifier
      ).toBe(false)
      if (!specifier.startsWith('/')) expect(specifier, 'only node: built-ins').toMatch(/^node:/)
    }
  })
})
