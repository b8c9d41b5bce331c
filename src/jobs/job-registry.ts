import type { JobDefinition } from './job-definition.js';
import { JOB_NAMES, type JobName } from './job-names.js';

export class JobRegistryError extends Error {}

export interface JobRegistry {
  get(name: string): JobDefinition | undefined;
  require(name: JobName): JobDefinition;
  names(): string[];
  queues(): string[];
  /** The concurrency a queue's definitions ask for (their largest), if any. */
  concurrencyOf(queue: string): number | undefined;
}

/** Fails at start-up on a duplicate definition, an undeclared name, or a declared job without a handler. */
export function createJobRegistry(definitions: JobDefinition[], declared: readonly string[] = JOB_NAMES): JobRegistry {
  const byName = new Map<string, JobDefinition>();
  for (const definition of definitions) {
    if (byName.has(definition.name)) throw new JobRegistryError(`Job "${definition.name}" is defined twice`);
    if (!declared.includes(definition.name)) {
      throw new JobRegistryError(`Job "${definition.name}" is not declared in src/jobs/job-names.ts`);
    }
    byName.set(definition.name, definition);
  }
  const missing = declared.filter((name) => !byName.has(name));
  if (missing.length > 0) throw new JobRegistryError(`No handler for job(s): ${missing.join(', ')}`);

  return {
    get: (name) => byName.get(name),
    require(name) {
      const definition = byName.get(name);
      if (!definition) throw new JobRegistryError(`No handler for job "${name}"`);
      return definition;
    },
    names: () => [...byName.keys()],
    queues: () => [...new Set([...byName.values()].map((definition) => definition.queue ?? 'default'))],
    concurrencyOf(queue) {
      const asked = [...byName.values()]
        .filter((definition) => (definition.queue ?? 'default') === queue)
        .flatMap((definition) => definition.concurrency ?? []);
      return asked.length > 0 ? Math.max(...asked) : undefined;
    },
  };
}
