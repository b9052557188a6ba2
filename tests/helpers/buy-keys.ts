// A separate app process that buys under given Idempotency-Keys when told to, for the tests of
// retries racing across processes.
//   node --import tsx --conditions=react-server tests/helpers/buy-keys.ts <databaseUrl> <eventId>
// Says {ready} once loaded; on {go: keys[]} buys one ticket for "Racer" under each key at once
// and answers {answers: [{key, purchaseId, replayed} | {key, error}]}.
const [url, id] = process.argv.slice(2);
process.env.DATABASE_URL = url;
process.env.ENGINE_AUTOSTART = "false";
const eventId = Number(id);

const { buy } = await import("../../lib/events/buy");
const { closeDb } = await import("../../lib/db/client");
const { closeSql } = await import("../../lib/db/sql");

process.on("message", (m: { go?: string[] }) => {
  if (!m.go) return;
  void Promise.all(
    m.go.map((key) =>
      buy(eventId, { buyer: "Racer", quantity: 1, vip: false }, { idempotencyKey: key, deadline: Date.now() + 2_000, source: "API" }).then(
        (r) => ({ key, purchaseId: r.purchase.purchaseId, replayed: r.replayed }),
        (err: unknown) => ({ key, error: String(err) }),
      ),
    ),
  ).then(async (answers) => {
    process.send?.({ answers });
    await closeSql();
    await closeDb();
    process.disconnect?.();
  });
});
process.send?.({ ready: true });
