import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import mysql from "mysql2/promise";
import { startGalera, type Galera } from "../helpers/galera";

// The cluster the Galera suite runs on (tests/helpers/galera.ts), and the facts about Galera
// the app is built around: writes on one node are read on another (with wsrep_sync_wait),
// named locks are local to a node (why leases are rows), ids step by the cluster size, and a
// node cut off from the other two refuses statements while the majority goes on.

let g: Galera;
const db = "galera_harness";
before(async () => {
  g = await startGalera({ name: "harness" });
});
after(async () => {
  await g?.stop();
});

const on = (i: number, database?: string) => mysql.createConnection({ uri: database ? g.urlFor(i, database) : g.nodes[i - 1].url, connectTimeout: 3_000 });

describe("a 3-node Galera cluster on this machine", () => {
  it("replicates, keeps named locks local, and steps ids by 3", async () => {
    const [a, b] = [await on(1), await on(2)];
    try {
      await a.query(`CREATE DATABASE ${db}`);
      await a.query(`CREATE TABLE ${db}.t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20))`);
      await a.query(`INSERT INTO ${db}.t (v) VALUES ('one'), ('two')`);
      await b.query("SET SESSION wsrep_sync_wait = 1");
      const [rows] = await b.query(`SELECT id, v FROM ${db}.t ORDER BY id`);
      const ids = (rows as { id: number }[]).map((r) => r.id);
      assert.deepEqual((rows as { v: string }[]).map((r) => r.v), ["one", "two"]);
      assert.equal(ids[1] - ids[0], 3, "auto_increment_increment is the cluster size");
      const [[lock1]] = (await a.query("SELECT GET_LOCK('lease', 0) AS got")) as unknown as [[{ got: number }]];
      const [[lock2]] = (await b.query("SELECT GET_LOCK('lease', 0) AS got")) as unknown as [[{ got: number }]];
      assert.deepEqual([lock1.got, lock2.got], [1, 1], "a named lock held on node 1 is free on node 2");
    } finally {
      await a.end();
      await b.end();
    }
  });

  it("goes on with 2 of 3 through a kill -9, a partition and a freeze, and every node comes back", async () => {
    const write = async (i: number, v: string) => {
      const c = await on(i, db);
      try {
        await c.query("INSERT INTO t (v) VALUES (?)", [v]);
      } finally {
        await c.end();
      }
    };
    await g.kill9(3);
    await new Promise((r) => setTimeout(r, 4_000));
    await write(1, "while 3 was dead");
    await g.restart(3);

    await g.partition(2);
    assert.equal((await g.status(1)).size, 2, "the majority evicts the cut-off node");
    const cut = await g.status(2);
    assert.deepEqual({ primary: cut.primary, ready: cut.ready }, { primary: false, ready: false }, "the cut-off node is no primary component: wsrep_ready=OFF");
    await write(1, "while 2 was cut off");
    await g.heal(2);

    await g.freeze(1);
    await new Promise((r) => setTimeout(r, 10_000));
    await write(2, "while 1 was frozen"); // the other two evicted it within ~3 s (evs.suspect_timeout)
    await g.thaw(1);
    await g.waitSynced(undefined, 90_000);

    for (const i of [1, 2, 3]) {
      const c = await on(i, db);
      await c.query("SET SESSION wsrep_sync_wait = 1");
      const [rows] = await c.query("SELECT v FROM t ORDER BY id");
      await c.end();
      assert.deepEqual((rows as { v: string }[]).map((r) => r.v).sort(), ["one", "two", "while 1 was frozen", "while 2 was cut off", "while 3 was dead"].sort(), `node ${i} has every row`);
    }
    const sums = await g.checksums(db, ["t"]);
    assert.equal(new Set(sums.t).size, 1, `the nodes agree: ${JSON.stringify(sums)}`);
  });
});
