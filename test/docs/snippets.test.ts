/**
 * Every TypeScript snippet of README.md and docs/*.md compiles in strict mode against the built package, so that a
 * doc cannot drift from the API. Partial snippets are marked `<!-- snippet: partial -->` (see test/docs/snippets.ts
 * and docs/contributing-docs.md). `npm test` builds before running the suite; skipped when dist/ is missing.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { checkSnippets, documentationFiles, extractSnippets } from './snippets.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const built = existsSync(`${root}/dist/index.d.ts`)
const folder = fileURLToPath(new URL(`./.snippets-${process.pid}`, import.meta.url))

describe.skipIf(!built)('documentation snippets', () => {
  it('every ts snippet of README.md and docs/ type-checks (strict)', { timeout: 60_000 }, () => {
    const snippets = extractSnippets(root, documentationFiles(root))
    expect(snippets.length).toBeGreaterThan(30)
    const errors = checkSnippets(snippets, folder)
    expect(errors.map(({ where, message }) => `${where} ${message}`)).toEqual([])
  })
})

describe.skipIf(!built)('the snippet checker', () => {
  const check = (code: string, partial: boolean) =>
    checkSnippets([{ where: 'doc.md:10', code, partial }], `${folder}-self`).map(error => error.message.slice(0, 6))

  it('a complete snippet must declare every name; a partial one may leave names and `…` to the reader', () => {
    const code =
      "import { withWebHooks } from 'rpc-web-hooks'\nconst call = withWebHooks(dispatch, { hooks: [], user: s => ({ id: s.id }) })\nawait call('m', …)"
    expect(check(code, false)).toContain('TS2304')
    expect(check(code, true)).toEqual([])
  })

  it('a partial snippet still fails on a wrong use of the API, with the line in the doc', () => {
    const errors = checkSnippets(
      [
        {
          where: 'doc.md:10',
          code: "import { withWebHooks } from 'rpc-web-hooks'\nwithWebHooks(dispatch, { hooks, retry: { retriez: 1 } })",
          partial: true,
        },
      ],
      `${folder}-self`
    )
    expect(errors).toEqual([{ where: 'doc.md:12', message: expect.stringMatching(/^TS2561: .*'retriez'/) }])
  })

  it('a partial snippet may be object members or an object (an option shown alone)', () => {
    expect(
      check("retry: { retries: 5 }, // the default\nretry: false, // one attempt\nredact: { keys: ['k'] }", true)
    ).toEqual([])
    expect(check("{ method: 'vm.*', type: 'post', url: 'https://hooks.example/' }", true)).toEqual([])
  })

  it('extracts ts and typescript fences, indented ones too, and reads the partial marker', () => {
    const snippets = extractSnippets(root, ['test/docs/fixtures/sample.md'])
    expect(snippets).toEqual([
      { where: 'test/docs/fixtures/sample.md:3', code: 'const a: number = 1', partial: false },
      { where: 'test/docs/fixtures/sample.md:8', code: 'b()', partial: true },
      { where: 'test/docs/fixtures/sample.md:14', code: "const c = 'indented'\nc.at(0)", partial: false },
    ])
  })
})
