import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One Prometheus registry per process, with the instruments the platform records. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    jobsProcessed: new Counter({
      name: 'jobs_processed_total',
      help: 'Job attempts finished, by queue, job name and outcome',
      labelNames: ['queue', 'name', 'outcome'] as const,
      registers: [registry],
    }),
    webhooksProcessed: new Counter({
      name: 'webhooks_processed_total',
      help: 'Stored provider webhooks processed, by provider and outcome (done, skipped, failed)',
      labelNames: ['provider', 'outcome'] as const,
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'job_duration_seconds',
      help: 'Job handler duration',
      labelNames: ['queue', 'name'] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** A gauge whose value is read when Prometheus scrapes (e.g. job counts from the database). */
export function registerCollectedGauge<L extends string>(
  metrics: Metrics,
  options: { name: string; help: string; labelNames: readonly L[]; collect: (gauge: Gauge<L>) => Promise<void> },
): void {
  new Gauge<L>({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames,
    registers: [metrics.registry],
    async collect() {
      this.reset();
      await options.collect(this);
    },
  });
}
