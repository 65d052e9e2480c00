import { GenerationCancelledError, QueueFullError } from './api-error';
import type { InferenceThread } from './inference-thread';
import type { GenerationJob, WorkerDone, WorkerStep } from './worker-protocol';

export interface SchedulerLimits {
  /** Generations denoised at once (interleaved step by step in the inference thread). */
  concurrency: number;
  /** Requests that may wait for a slot; one more is refused with 429. */
  maxQueue: number;
}

interface Waiting {
  start: () => void;
  abandon: () => void;
}

/** Seconds per generation assumed before any has finished (for Retry-After). */
const FIRST_GUESS_SECONDS = 2;

/**
 * A bounded queue in front of the inference thread: at most `concurrency` generations run, at most
 * `maxQueue` wait, in arrival order. A request whose signal aborts leaves the queue or is cancelled.
 */
export class Scheduler {
  private readonly waiting: Waiting[] = [];
  private running = 0;
  private meanSeconds = FIRST_GUESS_SECONDS;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly thread: InferenceThread,
    private readonly limits: SchedulerLimits,
  ) {}

  get queued(): number {
    return this.waiting.length;
  }

  get active(): number {
    return this.running;
  }

  /**
   * Queues a generation; throws QueueFullError at once (before anything is sent) when the queue is
   * full. The promise rejects with GenerationCancelledError when the signal aborts.
   */
  submit(job: GenerationJob, onStep: (step: WorkerStep) => void, signal: AbortSignal): Promise<WorkerDone> {
    if (this.running >= this.limits.concurrency && this.waiting.length >= this.limits.maxQueue) {
      throw new QueueFullError(this.waiting.length, this.retryAfterSeconds());
    }
    return new Promise<WorkerDone>((resolve, reject) => {
      const entry: Waiting = {
        start: () => {
          signal.removeEventListener('abort', leave);
          this.running++;
          this.thread
            .generate(job, onStep, signal)
            .then((done) => {
              this.learn(done.seconds);
              resolve(done);
            }, reject)
            .finally(() => {
              this.running--;
              this.next();
            });
        },
        abandon: () => reject(new GenerationCancelledError()),
      };
      const leave = () => {
        const index = this.waiting.indexOf(entry);
        if (index < 0) return;
        this.waiting.splice(index, 1);
        entry.abandon();
        this.notifyIfIdle();
      };
      signal.addEventListener('abort', leave, { once: true });
      this.waiting.push(entry);
      this.next();
    });
  }

  /** Resolves once nothing runs and nothing waits. */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Whole seconds until a slot frees for a request arriving now, by the mean generation time so far. */
  retryAfterSeconds(): number {
    const ahead = this.running + this.waiting.length;
    return Math.max(1, Math.ceil((this.meanSeconds * ahead) / this.limits.concurrency));
  }

  private learn(seconds: number): void {
    this.meanSeconds = 0.8 * this.meanSeconds + 0.2 * seconds;
  }

  private next(): void {
    while (this.running < this.limits.concurrency) {
      const entry = this.waiting.shift();
      if (!entry) break;
      entry.start();
    }
    this.notifyIfIdle();
  }

  private notifyIfIdle(): void {
    if (this.running > 0 || this.waiting.length > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
