import { actorCollection } from "../actor-routes";

export const dynamic = "force-dynamic";

export const { POST } = actorCollection("customer");
