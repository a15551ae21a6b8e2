// A UserError is a mistake in what the user gave us (config, path, name, file contents): the CLI
// prints its message on one line and exits non-zero without a stack trace.
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'UserError';
  }
}

/** Throws a UserError listing the known names when `name` is not one of them. */
export function lookupByName<T>(kind: string, name: string, table: Record<string, T>, where?: string): T {
  if (Object.hasOwn(table, name)) return table[name];
  const known = Object.keys(table).sort().join(', ');
  throw new UserError(`${where ? `${where}: ` : ''}unknown ${kind} '${name}' (known: ${known})`);
}
