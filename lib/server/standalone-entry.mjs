// `npm start`: Next's standalone server with two safe defaults, and nothing else — every
// request is served the same way as under `next start` or a bare `server.js` (the app's front,
// lib/server/front.ts, put in place at boot, then Next):
// - it listens on loopback unless HOST says otherwise, and refuses an address beyond loopback
//   without ADMIN_TOKEN before it opens a socket (the app checks again at boot, for every way
//   of running);
// - the app's graceful shutdown handles SIGTERM (Next's own handler would exit at once; the
//   app takes the signal over at boot on other servers too).
import { isLoopbackHost } from "./edge.mjs";

// Without ADMIN_TOKEN, admin actions are open to whoever reaches the server, so it may only be
// reachable from this machine: loopback by default, and any other address needs a token.
const HOST = process.env.HOST || "127.0.0.1";
if (!process.env.ADMIN_TOKEN && !isLoopbackHost(HOST)) {
  process.stderr.write(`Refusing to listen on ${HOST} without ADMIN_TOKEN: admin actions would be open to the network. Set ADMIN_TOKEN, or HOST=127.0.0.1.\n`);
  process.exit(1);
}
process.env.HOSTNAME = HOST;
process.env.NEXT_MANUAL_SIG_HANDLE = "true";

await import(new URL("../../.next/standalone/server.js", import.meta.url).href);
