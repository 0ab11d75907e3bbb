/**
 * What npm publishes (`npm pack --dry-run`): the docs that README links, error messages and the docs themselves point
 * at are in the tarball, and package.json says where the project lives (repository, homepage, bugs).
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import manifest from '../../package.json' with { type: 'json' }

const root = fileURLToPath(new URL('../..', import.meta.url))
let packed: Set<string>

beforeAll(() => {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' })
  const [tarball] = JSON.parse(out) as Array<{ files: Array<{ path: string }> }>
  packed = new Set(tarball?.files.map(file => file.path))
})

/** Relative links to markdown files in `file` (a path from the package root), resolved from the package root. */
function markdownLinks(file: string): string[] {
  const folder = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : ''
  const text = readFileSync(`${root}/${file}`, 'utf8')
  return [...text.matchAll(/\]\(([^)#\s]+\.md)(#[^)]*)?\)/g)]
    .map(match => match[1] ?? '')
    .filter(target => !/^[a-z]+:/.test(target))
    .map(target => new URL(target, `file:///${folder}`).pathname.slice(1))
}

describe('the published package', () => {
  it('ships every doc, the README and the CHANGELOG', () => {
    const docs = readdirSync(`${root}/docs`).filter(name => name.endsWith('.md'))
    for (const name of ['README.md', 'CHANGELOG.md', ...docs.map(name => `docs/${name}`)]) {
      expect(packed, name).toContain(name)
    }
  })

  it('every markdown link of the README and the docs resolves inside the tarball', () => {
    const sources = [...packed].filter(path => path.endsWith('.md') && path !== 'CHANGELOG.md')
    const broken = sources.flatMap(source =>
      markdownLinks(source)
        .filter(target => !packed.has(target))
        .map(target => `${source} → ${target}`)
    )
    expect(broken).toEqual([])
  })

  it('every docs/*.md that a built error message or hint names is shipped', () => {
    const named = new Set<string>()
    for (const file of [...packed].filter(path => /^dist\/.*\.(c?js)$/.test(path))) {
      for (const [doc] of readFileSync(`${root}/${file}`, 'utf8').matchAll(/docs\/[a-z0-9-]+\.md/g)) named.add(doc)
    }
    expect(named.size).toBeGreaterThan(0)
    expect([...named].filter(doc => !packed.has(doc))).toEqual([])
  })

  it('says where the project lives: repository, homepage, bugs', () => {
    expect(manifest.repository).toEqual({
      type: 'git',
      url: 'git+https://github.com/rpc-web-hooks/rpc-web-hooks.git',
    })
    expect(manifest.homepage).toBe('https://github.com/rpc-web-hooks/rpc-web-hooks#readme')
    expect(manifest.bugs).toEqual({ url: 'https://github.com/rpc-web-hooks/rpc-web-hooks/issues' })
  })
})
