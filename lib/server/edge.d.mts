// Types for edge.mjs (plain JS, because the `npm start` entry runs it before the app is loaded).
import type { IncomingMessage } from "node:http";

export const EDGE_HEADERS: string[];
export function trustedHops(raw: string | undefined): number;
export function clientAddress(forwardedFor: string | undefined, socketAddress: string | undefined, hops: number): string;
export function isLoopbackHost(host: string | null | undefined): boolean;
export function markRequest(req: IncomingMessage, hops: number, secret: string): void;
export function edgeSecret(): string;
