"use server";

import { cookies, headers } from "next/headers";
import type { ActionResult } from "@/lib/contracts/action-result";
import { ADMIN_COOKIE, isAdmin } from "@/lib/server/auth";
import { hasCode } from "@/lib/contracts/errors";
import { buy } from "@/lib/events/buy";
import type { PurchaseView } from "@/lib/contracts/purchase";
import { fieldErrors, numbersFromForm } from "@/lib/contracts/event-input";
import { limitBuyer, limitPurchases } from "@/lib/server/rate-limit";
import { purchaseRequestSchema } from "@/lib/contracts/purchase-input";
import { parseId } from "@/lib/contracts/ids";
import { publicAction } from "@/lib/server/action";

// A buyer joins the event's queue from the buyer page. Anyone may: it is the regular lane only
// (vip is never taken from the form), and the answer comes at once — the page then follows the
// purchase by polling, so no request is held open while the buyer waits in line.

export type BuyValues = { buyer: string; quantity: string; mode: string };

export type BuyState = {
  values: BuyValues;
  result: ActionResult<PurchaseView> | null;
};

export async function buyTicketsAction(eventId: number, _previous: BuyState, form: FormData): Promise<BuyState> {
  const values: BuyValues = { buyer: text(form.get("buyer")), quantity: text(form.get("quantity")), mode: text(form.get("mode")) || "sale" };
  const result = await publicAction<PurchaseView>(async () => {
    const admin = await limitRate();
    const id = parseId(eventId, "event");
    const parsed = purchaseRequestSchema.safeParse({ buyer: values.buyer, mode: values.mode, ...numbersFromForm(form, ["quantity"]) });
    if (!parsed.success) return { ok: false, error: "You are not in the queue yet: check the fields marked.", fieldErrors: fieldErrors(parsed.error) };
    limitBuyer(id, parsed.data.buyer, admin);
    try {
      // A hold's token comes back in this answer only: the page keeps it (for this tab) to confirm or release.
      const { purchase } = await buy(id, { buyer: parsed.data.buyer, quantity: parsed.data.quantity, vip: false, mode: parsed.data.mode }, { deadline: Date.now(), source: "WEB" });
      return { ok: true, data: purchase, message: `You joined the queue for ${purchase.quantity} ${purchase.quantity === 1 ? "ticket" : "tickets"}${purchase.mode === "hold" ? " to hold" : ""}.` };
    } catch (err) {
      // The page refreshes after any refusal, so the event shows SOLD_OUT too.
      if (hasCode(err, "sold_out")) {
        return { ok: false, error: "Sold out — every ticket has been sold. Nothing was charged." };
      }
      throw err;
    }
  });
  return { values, result };
}

/** The same budgets as POST /api/events/{id}/purchases: the form is no way around them. Whether the caller is the admin. */
async function limitRate(): Promise<boolean> {
  const h = await headers();
  const admin = await isAdmin(h, (await cookies()).get(ADMIN_COOKIE)?.value, true);
  limitPurchases(h, admin);
  return admin;
}

function text(raw: FormDataEntryValue | null): string {
  return typeof raw === "string" ? raw.slice(0, 1_000) : "";
}
