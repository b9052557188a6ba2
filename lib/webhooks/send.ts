import "server-only";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { Webhook } from "standardwebhooks";
import { addressAllowed, type Target } from "./address";

// One attempt at one delivery: the payload signed the Standard Webhooks way with the endpoint's
// secret (`webhook-id`, `webhook-timestamp`, `webhook-signature`, by the `standardwebhooks`
// package), POSTed with a 10 s limit on the whole exchange. Redirects are not followed (a 3xx
// is a failure). The address connected to is checked after DNS, so a host that resolves to a
// refused address is never reached (lib/webhooks/address.ts).

export const SEND_TIMEOUT_MS = 10_000;

export type AttemptResult = { ok: boolean; status: number | null; error: string | null };

export type Outgoing = { url: string; secret: string; webhookId: string; payload: string };

/** The three Standard Webhooks headers for a payload, signed now. */
export function signedHeaders(secret: string, webhookId: string, payload: string, at = new Date()): Record<string, string> {
  const signature = new Webhook(secret).sign(webhookId, at, payload);
  return { "webhook-id": webhookId, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": signature };
}

function guardedLookup(port: number, target: Target): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, "", 4);
      const allowed = addresses.filter((a) => addressAllowed(a.address, port, target) === null);
      if (allowed.length === 0) {
        const why = addresses.length ? addressAllowed(addresses[0].address, port, target) : "no address";
        return callback(Object.assign(new Error(`refused: ${why}`), { code: "EREFUSED_ADDRESS" }), "", 4);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      callback(null, allowed[0].address, allowed[0].family);
    });
  };
}

export function send(out: Outgoing, target: Target, timeoutMs = SEND_TIMEOUT_MS): Promise<AttemptResult> {
  const u = new URL(out.url);
  const port = u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
  const literal = u.hostname.replace(/^\[|\]$/g, "");
  if (isIP(literal)) {
    const why = addressAllowed(literal, port, target);
    if (why) return Promise.resolve({ ok: false, status: null, error: `refused: ${why}` });
  }
  const body = Buffer.from(out.payload, "utf8");
  const headers = {
    "content-type": "application/json",
    "content-length": String(body.length),
    "user-agent": "ticketing-webhooks/1",
    ...signedHeaders(out.secret, out.webhookId, out.payload),
  };
  const client = u.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = client.request(u, { method: "POST", headers, lookup: guardedLookup(port, target), agent: false }, (res) => {
      const status = res.statusCode ?? 0;
      res.resume(); // the body is not read: only the status counts
      res.on("error", () => undefined);
      finish({ ok: status >= 200 && status < 300, status, error: status >= 200 && status < 300 ? null : `answered ${status}${res.statusMessage ? ` ${res.statusMessage}` : ""}`.slice(0, 300) });
      res.destroy();
    });
    const timer = setTimeout(() => {
      finish({ ok: false, status: null, error: `no answer within ${timeoutMs / 1000} s` });
      req.destroy();
    }, timeoutMs);
    req.on("error", (err: NodeJS.ErrnoException) => finish({ ok: false, status: null, error: `${err.code ? `${err.code}: ` : ""}${err.message}`.slice(0, 300) }));
    req.end(body);
  });
}
