// A separate app process that buys under given Idempotency-Keys when told to, for the tests of
// retries racing across processes.
//   node --import tsx --conditions=react-server tests/helpers/buy-keys.ts <databaseUrl> <eventId>
// Says {ready} once loaded; on {go: keys[], buyer?, vip?, waitMs?} buys one ticket for `buyer`
// ("Racer" by default) under each key at once and answers
// {answers: [{key, purchaseId, replayed, status} | {key, error}]}; on {quit} it exits.
const [url, id] = process.argv.slice(2);
process.env.DATABASE_URL = url;
process.env.ENGINE_AUTOSTART = "false";
const eventId = Number(id);

const { buy } = await import("../../lib/events/buy");
const { closeDb } = await import("../../lib/db/client");
const { closeSql } = await import("../../lib/db/sql");

process.on("message", (m: { go?: string[]; buyer?: string; vip?: boolean; waitMs?: number; quit?: boolean }) => {
  if (m.quit) {
    void closeSql()
      .then(closeDb)
      .then(() => process.disconnect?.());
    return;
  }
  if (!m.go) return;
  void Promise.all(
    m.go.map((key) =>
      buy(eventId, { buyer: m.buyer ?? "Racer", quantity: 1, vip: m.vip ?? false }, { idempotencyKey: key, deadline: Date.now() + (m.waitMs ?? 2_000), source: "API" }).then(
        (r) => ({ key, purchaseId: r.purchase.purchaseId, replayed: r.replayed, status: r.purchase.status }),
        (err: unknown) => ({ key, error: String(err) }),
      ),
    ),
  ).then((answers) => process.send?.({ answers }));
});
process.send?.({ ready: true });
