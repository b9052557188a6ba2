// Server-Sent Events framing: `event`, `id` and one `data` line of JSON per message. Frames
// are Buffers (a Uint8Array to web streams): a socket takes a Buffer as it is, where a plain
// Uint8Array is wrapped anew on every write — once per viewer, thousands of times a message.

export function sseMessage(event: string, id: bigint | string, data: unknown): Uint8Array {
  return Buffer.from(`event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
}

export function sseComment(text: string): Uint8Array {
  return Buffer.from(`: ${text}\n\n`);
}

export function sseRetry(ms: number): Uint8Array {
  return Buffer.from(`retry: ${ms}\n\n`);
}

/** Last-Event-ID as a log cursor (the event's log sequence number), or null when absent or not one of ours. */
export function parseLastEventId(value: string | null): bigint | null {
  if (!value || !/^\d{1,19}$/.test(value.trim())) return null;
  return BigInt(value.trim());
}
