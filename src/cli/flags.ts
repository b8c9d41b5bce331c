import { type ParseArgsConfig, parseArgs } from 'node:util';

export class CliUsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with our usage error, so a wrong flag prints help instead of a stack trace. */
export function parseFlags<T extends Options>(args: string[], options: T) {
  try {
    return parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>({
      args,
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
}

export const say = (line: string) => process.stdout.write(`${line}\n`);
