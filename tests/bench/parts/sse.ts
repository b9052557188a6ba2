import net from "node:net";
import { admin, type Server } from "./server";

// Thousands of live viewers on one instance during a sale: how fast their streams open, how
// many messages each gets, how far behind the sale they are (receipt time minus the newest
// change's "at"), what the server's memory does, and whether the sale keeps its speed.

const UPDATE = Buffer.from("event: update\n");
const EMPTY = Buffer.alloc(0);

export type SseFigures = {
  sseClients: number;
  sseOpenSeconds: number;
  sseMessagesPerClientPerSec: number;
  sseP50LagMs: number;
  sseP99LagMs: number;
  rssMb: number;
  sseDropped: number;
  saleTicketsPerSecAlone: number;
  saleTicketsPerSecWatched: number;
  sseServerCpuPct: number;
  sseLoadGenCpuPct: number;
};

function p(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN;
}

export async function sseBench(server: Server, log: (s: string) => void, o = { clients: 5_000, seconds: 10 }): Promise<SseFigures> {
  const ev = await admin<{ id: number }>(server, "POST", "/api/events", {
    name: "Watched sale",
    totalTickets: 1_000_000,
    maxTicketCapacity: 1_000,
    ticketReleaseRate: 200,
    customerRetrievalRate: 20,
    vendors: 5,
    customers: 50,
    vipCustomers: 5,
  });
  await admin(server, "POST", `/api/events/${ev.id}/start`);
  const sold = async () => (await admin<{ sold: number }>(server, "GET", `/api/events/${ev.id}`)).sold;
  await new Promise((r) => setTimeout(r, 1_000));
  let s0 = await sold();
  await new Promise((r) => setTimeout(r, 3_000));
  const alone = ((await sold()) - s0) / 3;
  log(`  the sale alone: ${Math.round(alone)} tickets/s; opening ${o.clients} streams…`);

  const { hostname, port } = new URL(server.url);
  let counting = false;
  let messages = 0;
  let dropped = 0;
  const lags: number[] = [];
  const sockets: net.Socket[] = [];
  const t0 = performance.now();
  let opened = 0;
  // Raw sockets, not node:http: the stream is written without chunked framing until the
  // connection closes, so its bytes after the headers are SSE frames as they are. The load
  // generator shares this machine's two cores with the server, and an HTTP client's parser per
  // stream was a good part of what it cost.
  const request = Buffer.from(`GET /api/events/${ev.id}/stream HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\n\r\n`);
  await new Promise<void>((allOpen) => {
    for (let i = 0; i < o.clients; i++) {
      const socket = net.connect({ host: hostname, port: Number(port) }, () => socket.write(request));
      let first = true;
      const sampled = i % 10 === 0;
      const ended = () => {
        dropped++;
        if (first && ++opened === o.clients) allOpen();
        first = false;
      };
      socket.on("error", () => undefined);
      socket.on("close", ended);
      if (!sampled) {
        // Nine streams in ten only count updates, on raw bytes.
        let carry: Buffer = EMPTY;
        socket.on("data", (chunk: Buffer) => {
          if (first) {
            first = false;
            if (++opened === o.clients) allOpen();
          }
          const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
          if (counting) for (let at = bytes.indexOf(UPDATE); at >= 0; at = bytes.indexOf(UPDATE, at + UPDATE.length)) messages++;
          // Frames end with a blank line and usually arrive whole: carry a tail only when one was cut.
          const whole = bytes.length >= 2 && bytes[bytes.length - 1] === 10 && bytes[bytes.length - 2] === 10;
          carry = whole ? EMPTY : Buffer.from(bytes.subarray(Math.max(0, bytes.length - UPDATE.length + 1)));
        });
      } else {
        let tail = "";
        socket.setEncoding("utf8");
        socket.on("data", (chunk: string) => {
          const now = Date.now();
          if (first) {
            first = false;
            if (++opened === o.clients) allOpen();
          }
          const text = tail + chunk;
          let from = 0;
          for (;;) {
            const end = text.indexOf("\n\n", from);
            if (end < 0) break;
            if (counting && text.startsWith("event: update", from)) {
              messages++;
              // Lag is measured on one stream in ten, so that measuring costs the load generator less.
              const at = text.lastIndexOf('"at":"', end);
              if (at > from) lags.push(now - Date.parse(text.slice(at + 6, at + 30)));
            }
            from = end + 2;
          }
          tail = text.slice(from);
        });
      }
      sockets.push(socket);
    }
  });
  const openSeconds = (performance.now() - t0) / 1000;
  log(`  ${o.clients} streams open in ${openSeconds.toFixed(1)} s; measuring ${o.seconds} s`);
  const cpu0 = server.cpuSeconds();
  const gen0 = process.cpuUsage();
  s0 = await sold();
  const w0 = performance.now();
  counting = true;
  await new Promise((r) => setTimeout(r, o.seconds * 1000));
  counting = false;
  const wall = (performance.now() - w0) / 1000;
  const watched = ((await sold()) - s0) / wall;
  const rss = server.rssMb();
  const cpu = (server.cpuSeconds() - cpu0) / wall;
  const g = process.cpuUsage(gen0);
  const gen = (g.user + g.system) / 1e6 / wall;
  for (const s of sockets) {
    s.removeAllListeners("close");
    s.destroy();
  }
  lags.sort((a, b) => a - b);
  const figures: SseFigures = {
    sseClients: o.clients,
    sseOpenSeconds: Number(openSeconds.toFixed(1)),
    sseMessagesPerClientPerSec: Number((messages / o.clients / wall).toFixed(1)),
    sseP50LagMs: Math.round(p(lags, 0.5)),
    sseP99LagMs: Math.round(p(lags, 0.99)),
    rssMb: Math.round(rss),
    sseDropped: dropped,
    saleTicketsPerSecAlone: Math.round(alone),
    saleTicketsPerSecWatched: Math.round(watched),
    sseServerCpuPct: Math.round(100 * cpu),
    sseLoadGenCpuPct: Math.round(100 * gen),
  };
  log(`  ${figures.sseMessagesPerClientPerSec} messages per client per second, lag p50 ${figures.sseP50LagMs} ms, p99 ${figures.sseP99LagMs} ms; server RSS ${figures.rssMb} MB, ${figures.sseServerCpuPct} % of a core; load generator ${figures.sseLoadGenCpuPct} %; the sale ${Math.round(watched)} tickets/s (alone ${Math.round(alone)}); ${dropped} streams ended early`);
  await admin(server, "POST", `/api/events/${ev.id}/stop`);
  return figures;
}
