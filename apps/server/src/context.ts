import type { InferenceThread } from './inference-thread';
import type { ServerMetrics } from './metrics';
import type { requestSchemas } from './request-schemas';
import type { Scheduler } from './scheduler';
import type { ServedModel } from './served-model';
import type { ServerLimits } from './server-options';

/** What every route handler may use. */
export interface ServerContext {
  model: ServedModel;
  limits: ServerLimits;
  schemas: ReturnType<typeof requestSchemas>;
  thread: InferenceThread;
  scheduler: Scheduler;
  metrics: ServerMetrics;
  apiKey: string | undefined;
  /** True once shutdown began: new requests are refused. */
  draining: () => boolean;
  log: (line: string) => void;
}
