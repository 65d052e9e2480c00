import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type GenerationOutcome = 'completed' | 'cancelled' | 'failed';

/** What /metrics reports, in Prometheus text format (prom-client); process metrics included. */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'endpoint' | 'status'>;
  private readonly generations: Counter<'policy' | 'outcome'>;
  private readonly tokens: Counter<'policy'>;
  private readonly steps: Counter<'policy'>;
  private readonly seconds: Histogram<'policy'>;
  private readonly tokensPerSecond: Gauge<'policy'>;
  private readonly stepsPerSecond: Gauge<'policy'>;

  constructor(sources: {
    queued: () => number;
    active: () => number;
    workerHeapUsed: () => Promise<number>;
    defaultPolicy: string;
  }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'unmask_' });
    this.requests = new Counter({
      name: 'unmask_http_requests_total',
      help: 'HTTP requests answered, by endpoint and status ("aborted": the client left first)',
      labelNames: ['endpoint', 'status'],
      registers,
    });
    this.generations = new Counter({
      name: 'unmask_generations_total',
      help: 'Generations that ended, by cache policy and outcome',
      labelNames: ['policy', 'outcome'],
      registers,
    });
    this.tokens = new Counter({
      name: 'unmask_generated_tokens_total',
      help: 'Response tokens denoised (the whole canvas, EOS padding included), by cache policy',
      labelNames: ['policy'],
      registers,
    });
    this.steps = new Counter({
      name: 'unmask_denoising_steps_total',
      help: 'Denoising steps run, by cache policy',
      labelNames: ['policy'],
      registers,
    });
    this.seconds = new Histogram({
      name: 'unmask_generation_seconds',
      help: 'Wall time of a generation in the inference thread, by cache policy',
      labelNames: ['policy'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.tokensPerSecond = new Gauge({
      name: 'unmask_tokens_per_second',
      help: 'Response tokens per second of the last completed generation, by cache policy',
      labelNames: ['policy'],
      registers,
    });
    this.stepsPerSecond = new Gauge({
      name: 'unmask_denoising_steps_per_second',
      help: 'Denoising steps per second of the last completed generation, by cache policy',
      labelNames: ['policy'],
      registers,
    });
    new Gauge({
      name: 'unmask_queue_depth',
      help: 'Requests waiting for a generation slot',
      registers,
      collect() {
        this.set(sources.queued());
      },
    });
    new Gauge({
      name: 'unmask_active_generations',
      help: 'Generations being denoised',
      registers,
      collect() {
        this.set(sources.active());
      },
    });
    new Gauge({
      name: 'unmask_inference_thread_heap_used_bytes',
      help: 'V8 heap in use in the inference thread',
      registers,
      async collect() {
        this.set(await sources.workerHeapUsed());
      },
    });
    new Gauge({
      name: 'unmask_default_cache_policy_info',
      help: 'The cache policy requests get when they name none (label), always 1',
      labelNames: ['policy'],
      registers,
    }).set({ policy: sources.defaultPolicy }, 1);
  }

  request(endpoint: string, status: number | 'aborted'): void {
    this.requests.inc({ endpoint, status: String(status) });
  }

  generationEnded(policy: string, outcome: GenerationOutcome): void {
    this.generations.inc({ policy, outcome });
  }

  generationCompleted(policy: string, tokens: number, steps: number, seconds: number): void {
    this.tokens.inc({ policy }, tokens);
    this.steps.inc({ policy }, steps);
    this.seconds.observe({ policy }, seconds);
    if (seconds > 0) {
      this.tokensPerSecond.set({ policy }, tokens / seconds);
      this.stepsPerSecond.set({ policy }, steps / seconds);
    }
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
