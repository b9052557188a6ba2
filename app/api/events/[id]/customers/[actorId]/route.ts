import { actorItem } from "../../actor-routes";

export const dynamic = "force-dynamic";

export const { DELETE, PATCH } = actorItem("customer");
