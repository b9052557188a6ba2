import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { eventIdSchema } from "@/lib/validation/event";

// Server actions take ids as arguments the browser sends: they are input like any other, so
// they are parsed here before anything reaches lib/.

const actorKindSchema = z.enum(["vendor", "customer"], { error: "kind must be vendor or customer" });

export type ActorKind = z.infer<typeof actorKindSchema>;

export function parseEventId(value: unknown): number {
  const parsed = eventIdSchema.safeParse(value);
  if (!parsed.success) throw new AppError("bad_request", parsed.error.issues[0]?.message ?? "event id is not valid");
  return parsed.data;
}

export function parseActorId(value: unknown): number {
  const parsed = eventIdSchema.safeParse(value);
  if (!parsed.success) throw new AppError("bad_request", "actor id must be a positive whole number");
  return parsed.data;
}

export function parseActorKind(value: unknown): ActorKind {
  const parsed = actorKindSchema.safeParse(value);
  if (!parsed.success) throw new AppError("bad_request", parsed.error.issues[0]?.message ?? "kind is not valid");
  return parsed.data;
}
