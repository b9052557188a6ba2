import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

// A webhook receiver for tests: a real HTTP server that verifies every request's signature
// with the standardwebhooks library (Webhook.verify) and records it, answering what the test
// says — by default a failure for the first `failFirst` attempts of each message, then 200.

export type Received = { webhookId: string; attempt: number; type: string; data: Record<string, unknown>; verified: boolean; error?: string; at: number };

export type Receiver = {
  url: string;
  received: Received[];
  /** Set once the endpoint's secret is known (the API shows it when the endpoint is added). */
  secret: string;
  /** Requests received and not answered yet. */
  inFlight: number;
  close: () => Promise<void>;
};

export async function startReceiver(opts: { failFirst?: number; status?: (r: Received) => number; delayMs?: number } = {}): Promise<Receiver> {
  const attempts = new Map<string, number>();
  const receiver: Receiver = { url: "", received: [], secret: "", inFlight: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const webhookId = headers["webhook-id"] ?? "";
      const attempt = (attempts.get(webhookId) ?? 0) + 1;
      attempts.set(webhookId, attempt);
      let verified = false;
      let error: string | undefined;
      let parsed: { type?: string; data?: Record<string, unknown> } = {};
      try {
        parsed = new Webhook(receiver.secret).verify(body, headers) as typeof parsed;
        verified = true;
      } catch (err) {
        error = (err as Error).message;
      }
      const r: Received = { webhookId, attempt, type: parsed.type ?? "", data: parsed.data ?? {}, verified, error, at: Date.now() };
      receiver.received.push(r);
      receiver.inFlight++;
      const status = opts.status ? opts.status(r) : attempt <= (opts.failFirst ?? 0) ? 503 : 200;
      const answer = () => {
        receiver.inFlight--;
        res.statusCode = status;
        res.end(status === 200 ? "ok" : "not now");
      };
      if (opts.delayMs) setTimeout(answer, opts.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
