import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
// Registers the DLCM loader, so that a DLCM folder is served too.
import '@unmask/dlcm';
import type { ServerContext } from './context';
import { familyDefaults } from './family-defaults';
import { InferenceThread } from './inference-thread';
import { ServerMetrics } from './metrics';
import { requestSchemas } from './request-schemas';
import { handleRequest } from './router';
import { Scheduler } from './scheduler';
import { describeModel, type ServedModel } from './served-model';
import { resolveLimits, type ServerLimits, type ServerOptions } from './server-options';

export interface RunningServer {
  /** http://host:port/ as it is listening (the real port when 0 was asked). */
  url: string;
  model: ServedModel;
  limits: ServerLimits;
  backend: string;
  /** Generations running and waiting right now. */
  load(): { active: number; queued: number };
  /** Heap bytes in use in the inference thread (after a collection where gc is exposed). */
  inferenceHeapUsed(): Promise<number>;
  /**
   * Graceful shutdown: stops listening, refuses new requests (503), lets every accepted request
   * finish (queued ones included), then stops the inference thread. Resolves when all is closed.
   */
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function formatUrl(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}/`;
}

/** Loads the model (in the inference thread) and serves the OpenAI-compatible API. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? (() => {});
  const model = await describeModel(options.modelDir, options.modelId);
  const limits = resolveLimits(options, model.maxPositions);
  const thread = await InferenceThread.start(options.modelDir, options.backend);
  const scheduler = new Scheduler(thread, limits);
  const metrics = new ServerMetrics({
    queued: () => scheduler.queued,
    active: () => scheduler.active,
    workerHeapUsed: () => thread.heapUsed(),
    defaultPolicy: familyDefaults(model.family).policy,
  });
  let draining = false;
  const ctx: ServerContext = {
    model,
    limits,
    schemas: requestSchemas(limits),
    thread,
    scheduler,
    metrics,
    apiKey: options.apiKey,
    draining: () => draining,
    log,
  };

  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const handled = handleRequest(ctx, req, res).finally(() => inFlight.delete(handled));
    inFlight.add(handled);
  });
  let address: AddressInfo;
  try {
    address = await listen(server, options.host ?? '127.0.0.1', options.port ?? 8000);
  } catch (error) {
    await thread.stop();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const close = async () => {
    draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    log(`shutting down: ${scheduler.active + scheduler.queued} generations to finish`);
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    await scheduler.idle();
    await thread.stop();
    server.closeAllConnections();
    await closed;
    log('shut down');
  };

  return {
    url: formatUrl(address),
    model,
    limits,
    backend: thread.info.backend,
    load: () => ({ active: scheduler.active, queued: scheduler.queued }),
    inferenceHeapUsed: () => thread.heapUsed(),
    close: () => {
      closing ??= close();
      return closing;
    },
  };
}
