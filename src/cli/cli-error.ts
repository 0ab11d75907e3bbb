/**
 * An error the command reports as one line (`rpc-web-hooks: <message>`) with an exit code: 2 for a usage error
 * (bad option or argument), 1 for a failure.
 */
export class CliError extends Error {
  override name = 'CliError' as const
  readonly exitCode: number

  constructor(message: string, exitCode = 2) {
    super(message)
    this.exitCode = exitCode
  }
}
