import type { ServerResponse } from 'node:http';

/** A server-sent event stream; writes after the client left are dropped. */
export class EventStream {
  constructor(private readonly res: ServerResponse) {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
  }

  /** A standard `data:` event (what OpenAI clients read). */
  data(value: unknown): void {
    this.write(`data: ${JSON.stringify(value)}\n\n`);
  }

  /** A named event (OpenAI clients that did not ask for it are never sent one). */
  event(name: string, value: unknown): void {
    this.write(`event: ${name}\ndata: ${JSON.stringify(value)}\n\n`);
  }

  /** Ends the stream with OpenAI's terminator. */
  done(): void {
    this.write('data: [DONE]\n\n');
    this.end();
  }

  end(): void {
    if (!this.res.writableEnded) this.res.end();
  }

  private write(text: string): void {
    if (!this.res.destroyed && !this.res.writableEnded) this.res.write(text);
  }
}
