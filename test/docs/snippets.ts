/**
 * The TypeScript snippets of README.md and docs/*.md, extracted and type-checked with the TypeScript compiler API in
 * strict mode against the built package (imports of `rpc-web-hooks…` resolve to dist/ through package.json `exports`,
 * as in a user's project).
 *
 * Convention (see docs/contributing-docs.md): every ```ts / ```typescript fence is a complete module that compiles.
 * A snippet that deliberately leaves names to the reader (`hooks`, `api`, `session`, `…`) is marked with
 * `<!-- snippet: partial -->` on the line before its fence: it is checked with relaxed rules (undeclared names and the
 * implicit `any` they cause are allowed, `…` stands for any expression); every other error still fails.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

export interface Snippet {
  /** e.g. `docs/integrations.md:25` (the line of the opening fence). */
  where: string
  code: string
  partial: boolean
}

const FENCE = /^(\s*)```(ts|typescript)\s*$/
const PARTIAL = /^\s*<!--\s*snippet:\s*partial\s*-->\s*$/

/** Declarations of untyped packages, shared with examples/. */
const AMBIENT_TYPES = fileURLToPath(new URL('../../examples/types/', import.meta.url))

/** Every ```ts / ```typescript block of `files` (paths relative to `root`). */
export function extractSnippets(root: string, files: string[]): Snippet[] {
  const snippets: Snippet[] = []
  for (const file of files) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n')
    for (let index = 0; index < lines.length; index++) {
      const open = FENCE.exec(lines[index] ?? '')
      if (open === null) continue
      const indent = open[1]?.length ?? 0
      const start = index
      const body: string[] = []
      for (index++; index < lines.length && !/^\s*```\s*$/.test(lines[index] ?? ''); index++) {
        body.push((lines[index] ?? '').slice(indent))
      }
      snippets.push({
        where: `${file}:${start + 1}`,
        code: body.join('\n'),
        partial: PARTIAL.test(lines[start - 1] ?? '') || PARTIAL.test(lines[start - 2] ?? ''),
      })
    }
  }
  return snippets
}

/** README.md and every docs/*.md. */
export function documentationFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter(name => name.endsWith('.md'))
    .sort()
  return ['README.md', ...docs.map(name => `docs/${name}`)]
}

/** In a partial snippet, `…` stands for an expression left out: replaced (outside strings and comments) by one. */
function fillEllipses(code: string): string {
  let out = ''
  let quote: string | undefined
  for (let index = 0; index < code.length; index++) {
    const char = code[index] ?? ''
    if (quote !== undefined) {
      out += char
      if (char === '\\') out += code[++index] ?? ''
      else if (char === quote) quote = undefined
      continue
    }
    if (char === '/' && code[index + 1] === '/') {
      const end = code.indexOf('\n', index)
      const stop = end === -1 ? code.length : end
      out += code.slice(index, stop)
      index = stop - 1
      continue
    }
    if (char === "'" || char === '"' || char === '`') quote = char
    out += char === '…' ? 'undefined as any' : char
  }
  return out
}

/** Diagnostics a partial snippet may have: the names it leaves to the reader, and what follows from them. */
const RELAXED = new Set([
  2304, // Cannot find name 'x'.
  2552, // Cannot find name 'x'. Did you mean 'y'?
  2503, // Cannot find namespace 'x'.
  2694, // Namespace has no exported member (a type left to the reader).
  7005, // Variable implicitly has an 'any' type.
  7006, // Parameter implicitly has an 'any' type.
  7031, // Binding element implicitly has an 'any' type.
  7034, // Variable implicitly has type 'any' in some locations.
  18046, // 'x' is of type 'unknown' (from a name left out).
  18004, // No value exists in scope for the shorthand property 'x'.
  2867, // Cannot find name 'Bun' (another runtime's global).
  2868, // Cannot find name 'Bun'. Do you need to install type definitions?
  1108, // A 'return' statement can only be used within a function body (a fragment of one).
  1117, // An object literal cannot have multiple properties with the same name (alternatives side by side).
])

/**
 * The forms a partial snippet is tried in, first that parses wins: statements, object members (`retry: { … }`),
 * an expression (`{ method: 'vm.*', … }`).
 */
const FORMS: Array<(code: string) => string> = [
  code => code,
  code => `const _members = {\n${code}\n}`,
  code => `const _expression = (\n${code}\n)`,
]

/** The first form of a partial snippet that parses (the statements form when none does: its errors are reported). */
function partialSource(code: string): { source: string; offset: number } {
  const filled = fillEllipses(code)
  for (const [index, form] of FORMS.entries()) {
    const source = form(filled)
    const { diagnostics = [] } = ts.transpileModule(source, { reportDiagnostics: true, fileName: 'partial.ts' })
    if (diagnostics.length === 0) return { source, offset: index === 0 ? 0 : 1 }
  }
  return { source: filled, offset: 0 }
}

/** The options a strict user project would have; the snippets import the package by name. */
const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  // No DOM lib: a Node project's globals (fetch, Request, Response come from @types/node).
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noUncheckedIndexedAccess: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
  noUnusedLocals: false,
}

export interface SnippetError {
  where: string
  message: string
}

/**
 * Type-checks `snippets` as modules written to `folder` (inside the package, so that `rpc-web-hooks` resolves to it).
 * Returns one entry per error; the folder is removed afterwards.
 */
export function checkSnippets(snippets: Snippet[], folder: string): SnippetError[] {
  rmSync(folder, { recursive: true, force: true })
  mkdirSync(folder, { recursive: true })
  try {
    const byFile = new Map<string, { snippet: Snippet; offset: number }>()
    snippets.forEach((snippet, index) => {
      const file = join(folder, `snippet-${index}.ts`)
      const { source, offset } = snippet.partial ? partialSource(snippet.code) : { source: snippet.code, offset: 0 }
      // `export {}` makes every snippet a module of its own: names do not clash across snippets.
      writeFileSync(file, `${source}\nexport {}\n`)
      byFile.set(file, { snippet, offset })
    })
    // Ambient declarations of the untyped packages the docs use (json-rpc-peer ships no types), as the examples have.
    const ambient = readdirSync(AMBIENT_TYPES).map(name => join(AMBIENT_TYPES, name))
    const program = ts.createProgram([...byFile.keys(), ...ambient], options)
    const errors: SnippetError[] = []
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
      const file = diagnostic.file?.fileName
      const entry = file === undefined ? undefined : byFile.get(file)
      const snippet = entry?.snippet
      if (snippet?.partial && RELAXED.has(diagnostic.code)) continue
      const line =
        diagnostic.file !== undefined && diagnostic.start !== undefined
          ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1 - (entry?.offset ?? 0)
          : 0
      const [doc, fence] = (snippet?.where ?? relative(folder, file ?? '')).split(':')
      errors.push({
        where: snippet === undefined ? (file ?? 'program') : `${doc}:${Number(fence) + line}`,
        message: `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`,
      })
    }
    return errors
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}
