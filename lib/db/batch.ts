import "server-only";
import { randomBytes } from "node:crypto";
import { sqlTransaction, type Sql } from "./sql";

// Batch ids. Each writer of batches on an event — a driver's market, a process's join queue —
// stamps its own BatchStamp row with the batch's id, as one of the batch's writes. When the
// answer to a COMMIT is lost, the writer reads its row before it writes anything else: the row
// holds that batch's id exactly when the batch committed. Nobody else writes the row, and the
// read first locks the event row, which every batch holds until it ends — so a batch still in
// flight on the server is waited for, never guessed about.

/** A fresh id for a batch or a writer (random, 24 characters at most). */
export function newBatchId(): string {
  return randomBytes(12).toString("base64url");
}

/** The stamp, among a batch's writes (the batch holds the event's row lock). */
export async function stampBatch(tx: Pick<Sql, "$executeRawUnsafe">, eventId: number, writer: string, batch: string, at: Date): Promise<void> {
  await tx.$executeRawUnsafe("INSERT INTO BatchStamp (writer, eventId, batch, at) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE batch = ?, at = ?", writer, eventId, batch, at, batch, at);
}

/** Whether `writer`'s batch `batch` committed (call before that writer writes anything else). */
export async function batchCommitted(eventId: number, writer: string, batch: string): Promise<boolean> {
  return sqlTransaction(async (tx) => {
    await tx.$queryRawUnsafe("SELECT id FROM Event WHERE id = ? FOR UPDATE", eventId);
    const [row] = await tx.$queryRawUnsafe<{ batch: string }[]>("SELECT batch FROM BatchStamp WHERE writer = ?", writer);
    return row?.batch === batch;
  }, 15_000);
}
