// npm run audit -- --event <id> [--run <n>] [--json]: the command line of lib/history/audit.ts.
// Checks every invariant of DESIGN §4 for one run of an event from the database rows alone
// (DATABASE_URL, as the app), prints the report and exits 1 when any check fails (2 when the
// audit could not run: bad arguments, unknown event or run, database unreachable).
import { parseArgs } from "node:util";

const usage = "usage: npm run audit -- --event <id> [--run <n>] [--json]\n";

async function main(): Promise<number> {
  let values: { event?: string; run?: string; json?: boolean };
  try {
    ({ values } = parseArgs({ options: { event: { type: "string" }, run: { type: "string" }, json: { type: "boolean" } }, strict: true }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}`);
    return 2;
  }
  if (!values.event || !/^\d{1,10}$/.test(values.event) || (values.run !== undefined && !/^\d{1,10}$/.test(values.run))) {
    process.stderr.write(usage);
    return 2;
  }
  const { auditRun, auditText } = await import("@/lib/history/audit");
  const { closeDb } = await import("@/lib/db/client");
  try {
    const report = await auditRun(Number(values.event), values.run === undefined ? undefined : Number(values.run));
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${auditText(report)}\n`);
    return report.ok ? 0 : 1;
  } catch (err) {
    process.stderr.write(`audit could not run: ${(err as Error).message}\n`);
    return 2;
  } finally {
    await closeDb();
  }
}

process.exitCode = await main();
