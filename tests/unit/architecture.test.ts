import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";

// Rules of the layout that an import graph cannot see (dependency-cruiser checks the rest, in
// `npm run lint`): who may write Purchase rows, who may create a Prisma client, who may print.

const ROOT = path.join(import.meta.dirname, "../..");

function sources(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const e of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (rel !== path.join("lib", "generated")) out.push(...sources(rel));
    } else if (/\.(ts|tsx)$/.test(e.name)) {
      out.push({ file: rel, text: readFileSync(path.join(ROOT, rel), "utf8") });
    }
  }
  return out;
}

const APP_CODE = [...sources("app"), ...sources("lib"), { file: "instrumentation.ts", text: readFileSync(path.join(ROOT, "instrumentation.ts"), "utf8") }];

const PURCHASE_WRITE = /\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+`?Purchase`?\b|\.purchase\.(create|createMany|createManyAndReturn|update|updateMany|upsert|delete|deleteMany)\s*\(/i;

function offenders(pattern: RegExp, allowed: (file: string) => boolean, files = APP_CODE): string[] {
  return files.filter((f) => !allowed(f.file) && pattern.test(f.text)).map((f) => f.file);
}

describe("the layout's rules that imports cannot show", () => {
  it("recognises a Purchase write in every form it can take (the check itself can fail)", () => {
    for (const text of ["UPDATE Purchase SET status = 'X'", "insert into `Purchase` (id) values (1)", "delete from Purchase where id = 1", "tx.purchase.updateMany({})", "db().purchase.create({ data })"]) {
      assert.deepEqual(offenders(PURCHASE_WRITE, () => false, [{ file: "sample.ts", text }]), ["sample.ts"], text);
    }
    assert.deepEqual(offenders(PURCHASE_WRITE, () => false, [{ file: "read.ts", text: "db().purchase.findMany({}); SELECT id FROM Purchase" }]), []);
  });

  it("writes Purchase rows only from lib/purchases", () => {
    const found = offenders(PURCHASE_WRITE, (f) => f.startsWith(path.join("lib", "purchases") + path.sep));
    assert.deepEqual(found, []);
    assert.ok(offenders(PURCHASE_WRITE, () => false).length >= 3, "the purchases module itself is seen writing");
  });

  it("creates a Prisma client only in lib/db/client.ts", () => {
    assert.deepEqual(offenders(/new\s+PrismaClient\s*\(/, (f) => f === path.join("lib", "db", "client.ts")), []);
  });

  it("prints through the one logger, never console", () => {
    assert.deepEqual(offenders(/\bconsole\.(log|info|warn|error|debug|trace)\s*\(/, () => false), []);
  });

  it("makes process-wide objects only through the singleton helper", () => {
    assert.deepEqual(offenders(/globalThis\b/, (f) => f === path.join("lib", "platform", "singleton.ts")), []);
  });
});
