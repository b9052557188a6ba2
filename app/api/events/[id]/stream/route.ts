import { liveStream } from "@/lib/events/live";
import { eventIdParam, route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** Server-Sent Events: a snapshot, then coalesced updates; resumes from Last-Event-ID. */
export const GET = route(async (req, ctx: { params: Promise<{ id: string }> }) => liveStream(await eventIdParam(ctx), req));
