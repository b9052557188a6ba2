// `npm start`: Next's standalone server, with one fast path in front of it. A live stream
// (GET /api/events/{id}/stream) is written straight to the Node response, one write per
// frame, instead of through the web-stream pipe a route handler's Response takes; with
// thousands of viewers that pipe was what the server spent its time on. Everything else —
// and the stream too, until the app has booted — goes to Next as usual. The handler itself
// lives in the app (lib/events/live.ts) and is found in the process's singleton registry,
// where instrumentation.ts puts it at boot.
import http from "node:http";

const STREAM = /^\/api\/events\/([^/?#]+)\/stream(?:\?.*)?$/;
const createServer = http.createServer;

http.createServer = function (...args) {
  const at = args.findIndex((a) => typeof a === "function");
  if (at >= 0) {
    const next = args[at];
    args[at] = function (req, res) {
      const match = req.method === "GET" ? STREAM.exec(req.url ?? "") : null;
      const fast = match && globalThis.__ticketing?.get("sse-node-handler");
      if (fast) return void fast(req, res, match[1]);
      return next.call(this, req, res);
    };
  }
  return createServer.apply(this, args);
};

await import(new URL("../../.next/standalone/server.js", import.meta.url).href);
