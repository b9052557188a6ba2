import type { Metadata } from "next";
import { findPurchaseOfEvent } from "@/lib/purchases/read";
import { loadBuyerEvent } from "../load-event";
import { BuyerView } from "./buyer-view";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const event = await loadBuyerEvent((await params).id);
  return { title: `Buy tickets · ${event.name}` };
}

// Public: anyone with the link may buy. The purchase being followed is in the address
// (?purchase=…), so a reload — or the link opened later — shows it again.
export default async function BuyPage({ params, searchParams }: Props) {
  const event = await loadBuyerEvent((await params).id);
  const raw = (await searchParams).purchase;
  const purchaseId = typeof raw === "string" && raw !== "" ? raw : null;
  const purchase = purchaseId ? await findPurchaseOfEvent(purchaseId, event.id) : null;
  return <BuyerView event={event} initialPurchase={purchase} purchaseMissing={purchaseId !== null && purchase === null} />;
}
