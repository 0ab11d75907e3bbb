/**
 * Colours for a terminal only: plain text when the output is piped or NO_COLOR is set (FORCE_COLOR forces them).
 */
export interface Style {
  bold(text: string): string
  dim(text: string): string
  red(text: string): string
  green(text: string): string
  yellow(text: string): string
  cyan(text: string): string
  magenta(text: string): string
}

export function createStyle(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  const force = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0'
  const on = force || (stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb')
  const code = (open: number, close: number) => (text: string) => (on ? `\x1b[${open}m${text}\x1b[${close}m` : text)
  return {
    bold: code(1, 22),
    dim: code(2, 22),
    red: code(31, 39),
    green: code(32, 39),
    yellow: code(33, 39),
    cyan: code(36, 39),
    magenta: code(35, 39),
  }
}
