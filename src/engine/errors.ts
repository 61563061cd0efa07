// The one error type every command raises for a problem the user can act on. Its message is the
// whole user message, without a product prefix: each front-end adds its own once
// ("bulwark: …" on the terminal, "Bulwark: …" in VS Code), so no message ever says it twice.

export type ErrorKind =
  /** The command failed, or left work for the user (exit code 1). */
  | 'failure'
  /** The command was asked for something invalid: unknown pattern, option or value (exit code 2). */
  | 'usage';

export class BulwarkError extends Error {
  override readonly name: string = 'BulwarkError';
  constructor(
    message: string,
    readonly kind: ErrorKind = 'failure',
  ) {
    super(message);
  }
}

/** What a user reads for any thrown value: the message of a BulwarkError, else a report request. */
export function userMessage(error: unknown): string {
  if (error instanceof BulwarkError) return error.message;
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `internal error (please report it): ${detail}`;
}
