import "server-only";
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { networkInterfaces } from "node:os";
import { AppError } from "@/lib/contracts/errors";

// Where a webhook may be sent. Loopback, private, link-local, shared, multicast and reserved
// addresses are refused (a webhook must not become a way to reach this network's insides)
// unless WEBHOOK_ALLOW_PRIVATE=1, and never the app itself, even with it. The host is resolved
// when the endpoint is added and again on every attempt (lib/webhooks/send.ts checks the very
// address it connects to, so a name that later resolves inward is refused then).

const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const)
  blocked.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  blocked.addSubnet(net, prefix, "ipv6");

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addSubnet("::1", 128, "ipv6");

/** The IPv4 address inside an IPv4-mapped IPv6 one (::ffff:10.0.0.1), else the address as it is. */
function unmapped(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1] : address;
}

function family(address: string): "ipv4" | "ipv6" {
  return isIP(address) === 6 ? "ipv6" : "ipv4";
}

/** Whether an address is loopback, private, link-local or otherwise not on the public internet. */
export function isPrivateAddress(raw: string): boolean {
  const address = unmapped(raw);
  return blocked.check(address, family(address));
}

function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) out.add(unmapped(i.address));
  return out;
}

/** Whether an address and port are this machine's own app server (one of its interfaces on its port). */
export function isSelf(raw: string, port: number, appPorts: number[]): boolean {
  const address = unmapped(raw);
  if (!appPorts.includes(port)) return false;
  return loopback.check(address, family(address)) || address === "0.0.0.0" || address === "::" || localAddresses().has(address);
}

export type Target = { allowPrivate: boolean; appPorts: number[]; appHosts: string[] };

function portOf(u: URL): number {
  return u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
}

/** The addresses an endpoint's host resolves to. */
async function resolve(host: string): Promise<string[]> {
  const bare = host.replace(/^\[|\]$/g, "");
  if (isIP(bare)) return [bare];
  try {
    return (await lookup(bare, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    throw new AppError("validation_failed", `The host ${JSON.stringify(bare).slice(0, 80)} of url does not resolve to an address`, { fields: { url: "url's host does not resolve to an address" } });
  }
}

function refuse(message: string): AppError {
  return new AppError("validation_failed", message, { fields: { url: message } });
}

/** Refuses (422) a URL that points at the app itself or, unless allowed, at a private address. */
export async function checkEndpointUrl(raw: string, target: Target): Promise<void> {
  const u = new URL(raw);
  const host = u.host.toLowerCase();
  if (target.appHosts.some((h) => h.toLowerCase() === host)) throw refuse("url points at this app itself; a webhook must go to another service");
  const addresses = await resolve(u.hostname);
  for (const address of addresses) {
    if (isSelf(address, portOf(u), target.appPorts)) throw refuse("url points at this app itself; a webhook must go to another service");
    if (!target.allowPrivate && isPrivateAddress(address)) {
      throw refuse(`url resolves to ${address}, a loopback, private or link-local address; webhooks go to public addresses only (WEBHOOK_ALLOW_PRIVATE=1 allows them)`);
    }
  }
}

/** At send time: whether the address a delivery is about to connect to is allowed. */
export function addressAllowed(address: string, port: number, target: Target): string | null {
  if (isSelf(address, port, target.appPorts)) return `${address}:${port} is this app itself`;
  if (!target.allowPrivate && isPrivateAddress(address)) return `${address} is a private address`;
  return null;
}
