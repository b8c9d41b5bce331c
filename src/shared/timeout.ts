/** Rejects with an error carrying `code` when `promise` has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string, code = 'ETIMEDOUT'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(message), { code })), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
