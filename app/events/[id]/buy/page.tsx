import type { Metadata } from "next";
import { AppError } from "@/lib/errors";
import { getPurchase } from "@/lib/purchases/read";
import type { PurchaseView } from "@/lib/purchases/types";
import { loadEvent } from "../load-event";
import { BuyerView } from "./buyer-view";
import { toBuyerEvent } from "./buyer-event";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const event = await loadEvent((await params).id);
  return { title: `Buy tickets · ${event.name}` };
}

// Public: anyone with the link may buy. The purchase being followed is in the address
// (?purchase=…), so a reload — or the link opened later — shows it again.
export default async function BuyPage({ params, searchParams }: Props) {
  const event = await loadEvent((await params).id);
  const raw = (await searchParams).purchase;
  const purchaseId = typeof raw === "string" && raw !== "" ? raw : null;
  const purchase = purchaseId ? await findPurchase(purchaseId, event.id) : null;
  return <BuyerView event={toBuyerEvent(event)} initialPurchase={purchase} purchaseMissing={purchaseId !== null && purchase === null} />;
}

async function findPurchase(purchaseId: string, eventId: number): Promise<PurchaseView | null> {
  try {
    const purchase = await getPurchase(purchaseId);
    return purchase.eventId === eventId ? purchase : null;
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") return null;
    throw err;
  }
}
