/** One server-sent event: its name (`message` when unnamed) and its data. */
export interface SseEvent {
  event: string;
  data: string;
}

/** Reads a text/event-stream body to its end. `onEvent` may abort the request (the read then stops). */
export async function readSse(
  response: Response,
  onEvent: (event: SseEvent) => void = () => {},
): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body!.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        let data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        const parsed = { event, data };
        events.push(parsed);
        onEvent(parsed);
      }
    }
  } catch (error) {
    if ((error as Error).name !== 'AbortError') throw error;
  }
  return events;
}

/** The text a stream of completion (or chat) chunks adds up to. */
export function streamedText(events: SseEvent[]): string {
  return events
    .filter((e) => e.event === 'message' && e.data !== '[DONE]')
    .map((e) => JSON.parse(e.data) as { choices: { text?: string; delta?: { content?: string } }[] })
    .map((chunk) => chunk.choices[0]?.text ?? chunk.choices[0]?.delta?.content ?? '')
    .join('');
}

export function postJson(url: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(init.headers as Record<string, string>) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}
