import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";

// A 3-node MariaDB Galera cluster on this machine, for tests and benchmarks (issue 17), with
// the faults a cluster meets: kill -9 of a node and its rejoin (IST), SIGSTOP of a node, and a
// network partition of a node from the other two.
//
// Each node runs in a network namespace of its own, on a bridge in the root namespace: node i
// is 10.X.Y.(10+i), the bridge 10.X.Y.1, so every node uses the standard ports (SQL 3306,
// group communication 4567, IST 4568, SST 4444) on its own address, and taking the root end
// of node i's veth pair down is a real partition — the node loses the other two *and* every
// app process, as a cut cable would. Datadirs live under a temporary folder; the first node
// starts with --wsrep-new-cluster, the others join by rsync SST, and a restarted node rejoins
// by IST from its gcache. Failure detection is tuned to about 3 s (evs.suspect_timeout) so
// that a lost node is evicted quickly. Everything (nodes, namespaces, links, folders) goes in
// stop(), and on process exit.

export type GaleraNode = { index: number; host: string; port: number; url: string };

export type Galera = {
  nodes: GaleraNode[];
  /** mysql://root@host:3306/<database> on node i (1–3). */
  urlFor(i: number, database: string): string;
  kill9(i: number): Promise<void>;
  /** Starts node i again (after kill9) and resolves when it is Synced in a cluster of 3: how long it took, and how it caught up (IST or a full SST). */
  restart(i: number): Promise<{ ms: number; transfer: "IST" | "SST" | "unknown" }>;
  freeze(i: number): Promise<void>;
  thaw(i: number): Promise<void>;
  /** Cuts node i off the bridge (from the other nodes and from every app process). */
  partition(i: number): Promise<void>;
  /** Puts node i back on the bridge and resolves when it is Synced in a cluster of 3 again. */
  heal(i: number): Promise<void>;
  /** Resolves when node i (every node when omitted) is Synced in a cluster of 3. */
  waitSynced(i?: number, timeoutMs?: number): Promise<void>;
  status(i: number): Promise<{ state: string; size: number; ready: boolean; primary: boolean; conf: string }>;
  /** Runs a statement on node i as root through its unix socket (it answers even while the node is cut off). */
  admin(i: number, statement: string): Promise<unknown>;
  /** CHECKSUM TABLE of each table, per node: the nodes agree row for row when the values do. */
  checksums(database: string, tables: string[]): Promise<Record<string, (number | null)[]>>;
  stop(): Promise<void>;
};

const PROVIDER = "/usr/lib/galera/libgalera_smm.so";
const PROVIDER_OPTIONS = ["gcache.size=128M", "evs.suspect_timeout=PT3S", "evs.inactive_timeout=PT6S", "evs.keepalive_period=PT0.5S", "evs.inactive_check_period=PT0.5S", "evs.install_timeout=PT6S", "pc.recovery=false"].join(";");

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function quiet(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: "ignore" });
  } catch {
    /* already gone */
  }
}

/**
 * Why a cluster cannot be started on this machine, or false when it can: it needs root (for the
 * namespaces), the Galera provider, and mariadbd, mariadb-install-db, rsync and ip. `.ci/run`
 * installs what is missing and runs as root, so CI always runs the suite.
 */
export function galeraUnavailable(): string | false {
  if (process.getuid?.() !== 0) return "needs root, for a network namespace per node (CI runs as root)";
  if (!existsSync(PROVIDER)) return `needs galera-4 (${PROVIDER}; .ci/run installs it)`;
  for (const cmd of ["mariadbd", "mariadb-install-db", "rsync", "ip"]) {
    try {
      execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    } catch {
      return `needs ${cmd} on the PATH`;
    }
  }
  return false;
}

export async function startGalera(opts: { name?: string; log?: (s: string) => void } = {}): Promise<Galera> {
  const log = opts.log ?? ((s: string) => console.log(`[galera] ${s}`));
  const began = Date.now();
  const tag = randomBytes(2).toString("hex"); // names are at most 15 characters
  const net = `10.${randomInt(200, 250)}.${randomInt(1, 250)}`;
  const bridge = `gb${tag}`;
  const ns = (i: number) => `gal${tag}n${i}`;
  const vethRoot = (i: number) => `gv${tag}n${i}`;
  const vethNode = (i: number) => `gp${tag}n${i}`;
  const host = (i: number) => `${net}.${10 + i}`;
  const root = mkdtempSync(path.join(tmpdir(), `galera-${opts.name ?? "test"}-`));
  chmodSync(root, 0o755);
  const dir = (i: number) => path.join(root, `n${i}`);
  const procs = new Map<number, ChildProcess>();
  let stopped = false;

  const cleanupSync = () => {
    for (const p of procs.values()) {
      try {
        if (p.pid) process.kill(p.pid, "SIGCONT");
        p.kill("SIGKILL");
      } catch {
        /* gone */
      }
    }
    for (const i of [1, 2, 3]) {
      quiet("ip", ["link", "del", vethRoot(i)]);
      quiet("ip", ["netns", "del", ns(i)]);
    }
    quiet("ip", ["link", "del", bridge]);
    rmSync(root, { recursive: true, force: true });
  };
  process.once("exit", () => {
    if (!stopped) cleanupSync();
  });

  // The network: a bridge, and one namespace per node on it.
  sh("ip", ["link", "add", bridge, "type", "bridge"]);
  sh("ip", ["addr", "add", `${net}.1/24`, "dev", bridge]);
  sh("ip", ["link", "set", bridge, "up"]);
  for (const i of [1, 2, 3]) {
    sh("ip", ["netns", "add", ns(i)]);
    sh("ip", ["link", "add", vethRoot(i), "type", "veth", "peer", "name", vethNode(i)]);
    sh("ip", ["link", "set", vethNode(i), "netns", ns(i)]);
    sh("ip", ["link", "set", vethRoot(i), "master", bridge]);
    sh("ip", ["link", "set", vethRoot(i), "up"]);
    sh("ip", ["netns", "exec", ns(i), "ip", "link", "set", "lo", "up"]);
    sh("ip", ["netns", "exec", ns(i), "ip", "addr", "add", `${host(i)}/24`, "dev", vethNode(i)]);
    sh("ip", ["netns", "exec", ns(i), "ip", "link", "set", vethNode(i), "up"]);
  }

  // Datadirs: one installed, copied for the other two (they are filled by SST when they join).
  sh("mariadb-install-db", ["--no-defaults", `--datadir=${path.join(dir(1), "data")}`, "--user=mysql", "--auth-root-authentication-method=normal", "--skip-test-db"]);
  for (const i of [2, 3]) cpSync(path.join(dir(1), "data"), path.join(dir(i), "data"), { recursive: true });
  for (const i of [1, 2, 3]) {
    writeFileSync(
      path.join(dir(i), "my.cnf"),
      [
        "[mysqld]",
        `datadir=${path.join(dir(i), "data")}`,
        `socket=${path.join(dir(i), "mysqld.sock")}`,
        `pid-file=${path.join(dir(i), "mysqld.pid")}`,
        `log-error=${path.join(dir(i), "error.log")}`,
        "port=3306",
        `bind-address=${host(i)}`,
        "skip-name-resolve",
        "max_connections=400",
        "binlog_format=ROW",
        "default_storage_engine=InnoDB",
        "innodb_autoinc_lock_mode=2",
        "innodb_buffer_pool_size=128M",
        "innodb_log_file_size=64M",
        "innodb_flush_log_at_trx_commit=2",
        "wsrep_on=ON",
        `wsrep_provider=${PROVIDER}`,
        `wsrep_cluster_name=galera-${tag}`,
        `wsrep_cluster_address=gcomm://${[1, 2, 3].map(host).join(",")}`,
        `wsrep_node_address=${host(i)}`,
        `wsrep_node_name=n${i}`,
        `wsrep_provider_options="${PROVIDER_OPTIONS}"`,
        "wsrep_sst_method=rsync",
        "wsrep_slave_threads=2",
        "",
      ].join("\n"),
    );
  }
  sh("chown", ["-R", "mysql:mysql", root]);

  const launch = (i: number, bootstrap: boolean) => {
    const args = ["netns", "exec", ns(i), "mariadbd", `--defaults-file=${path.join(dir(i), "my.cnf")}`, "--user=mysql", ...(bootstrap ? ["--wsrep-new-cluster"] : [])];
    const p = spawn("ip", args, { stdio: "ignore", detached: true }); // ip netns exec execs mariadbd: this pid is the server's
    procs.set(i, p);
  };
  const errorLog = (i: number) => {
    try {
      return readFileSync(path.join(dir(i), "error.log"), "utf8").split("\n").slice(-30).join("\n");
    } catch {
      return "(no error log)";
    }
  };

  // Through the node's unix socket (the file system is shared): it answers even while the node is cut off the network.
  const connect = (i: number, database?: string) => mysql.createConnection({ socketPath: path.join(dir(i), "mysqld.sock"), user: "root", database, connectTimeout: 2_000 });
  const status = async (i: number) => {
    const c = await connect(i);
    try {
      const [rows] = await c.query("SHOW STATUS WHERE Variable_name IN ('wsrep_local_state_comment', 'wsrep_cluster_size', 'wsrep_ready', 'wsrep_cluster_status', 'wsrep_cluster_conf_id')");
      const m = new Map((rows as { Variable_name: string; Value: string }[]).map((r) => [r.Variable_name, r.Value]));
      return { state: m.get("wsrep_local_state_comment") ?? "?", size: Number(m.get("wsrep_cluster_size") ?? 0), ready: m.get("wsrep_ready") === "ON", primary: m.get("wsrep_cluster_status") === "Primary", conf: m.get("wsrep_cluster_conf_id") ?? "" };
    } finally {
      c.destroy();
    }
  };
  const waitNode = async (i: number, timeoutMs: number) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const s = await status(i).catch((e: unknown) => ({ state: String((e as Error).message), size: 0, ready: false }));
      if (s.state === "Synced" && s.size === 3 && s.ready) return;
      const last = `${s.state}, size ${s.size}`;
      if (procs.get(i)?.exitCode !== null && procs.get(i)?.exitCode !== undefined) throw new Error(`galera node ${i} exited:\n${errorLog(i)}`);
      if (Date.now() > until) throw new Error(`galera node ${i} not Synced in a cluster of 3 after ${timeoutMs} ms (${last}):\n${errorLog(i)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const waitOne = async (i: number, timeoutMs: number) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const s = await status(i).catch(() => null);
      if (s?.state === "Synced") return;
      if (procs.get(i)?.exitCode !== null && procs.get(i)?.exitCode !== undefined) throw new Error(`galera node ${i} exited:\n${errorLog(i)}`);
      if (Date.now() > until) throw new Error(`galera node ${i} did not start:\n${errorLog(i)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  /** Every node Synced in one primary component of 3 (the same configuration), twice in a row half a second apart. */
  const waitCluster = async (timeoutMs: number) => {
    const until = Date.now() + timeoutMs;
    for (let agreed = 0; ; ) {
      const all = await Promise.all([1, 2, 3].map((i) => status(i).catch(() => null)));
      const ok = all.every((x) => x && x.state === "Synced" && x.size === 3 && x.ready && x.primary) && new Set(all.map((x) => x?.conf)).size === 1;
      const seen = JSON.stringify(all);
      agreed = ok ? agreed + 1 : 0;
      if (agreed >= 2) return;
      if (Date.now() > until) throw new Error(`the cluster did not come together in ${timeoutMs} ms: ${seen}\n${[1, 2, 3].map(errorLog).join("\n")}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const exited = (i: number) => {
    const p = procs.get(i);
    return !p || p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => p.once("exit", () => r()));
  };

  try {
    launch(1, true);
    await waitOne(1, 60_000);
    // The app connects as root from the bridge's address.
    const c = await mysql.createConnection({ socketPath: path.join(dir(1), "mysqld.sock"), user: "root" });
    await c.query("CREATE USER IF NOT EXISTS 'root'@'%'");
    await c.query("GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION");
    await c.end();
    // One joiner at a time: a donor serves one state transfer at once.
    for (const i of [2, 3]) {
      launch(i, false);
      await waitOne(i, 90_000);
    }
    await waitCluster(30_000);
  } catch (err) {
    stopped = true;
    cleanupSync();
    throw err;
  }
  log(`3 nodes Synced on ${net}.11–13 in ${((Date.now() - began) / 1000).toFixed(1)} s`);

  const nodes: GaleraNode[] = [1, 2, 3].map((i) => ({ index: i, host: host(i), port: 3306, url: `mysql://root@${host(i)}:3306` }));
  const signal = (i: number, sig: NodeJS.Signals) => {
    const pid = procs.get(i)?.pid;
    if (pid) process.kill(pid, sig);
  };

  return {
    nodes,
    urlFor: (i, database) => `${nodes[i - 1].url}/${database}`,
    status,
    async admin(i, statement) {
      const c = await connect(i);
      try {
        const [rows] = await c.query(statement);
        return rows;
      } finally {
        await c.end();
      }
    },
    async kill9(i) {
      signal(i, "SIGKILL");
      await exited(i);
    },
    async restart(i) {
      const t0 = Date.now();
      const logFile = path.join(dir(i), "error.log");
      const from = readFileSync(logFile).length;
      launch(i, false);
      await waitCluster(90_000);
      const ms = Date.now() - t0;
      // What the joiner wrote while it came back: an incremental transfer from a donor's gcache, or a whole copy.
      const lines = readFileSync(logFile).subarray(from).toString("utf8");
      const transfer = /IST received|Receiving IST/.test(lines) ? "IST" : /SST (received|succeeded|complete)|Prepared SST/i.test(lines) ? "SST" : "unknown";
      log(`node ${i} rejoined (${transfer}) in ${(ms / 1000).toFixed(1)} s`);
      return { ms, transfer };
    },
    async freeze(i) {
      signal(i, "SIGSTOP");
    },
    async thaw(i) {
      signal(i, "SIGCONT");
    },
    async partition(i) {
      sh("ip", ["link", "set", vethRoot(i), "down"]);
      // Resolves once both sides know: the other two are a primary component of 2, the cut-off node is not primary.
      const until = Date.now() + 30_000;
      for (;;) {
        const cut = await status(i).catch(() => null);
        const rest = await Promise.all([1, 2, 3].filter((n) => n !== i).map((n) => status(n).catch(() => null)));
        if (cut && !cut.primary && rest.every((x) => x?.primary && x.size === 2)) return;
        if (Date.now() > until) throw new Error(`node ${i} cut off, but the cluster did not split: ${JSON.stringify({ cut, rest })}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async heal(i) {
      const t0 = Date.now();
      sh("ip", ["link", "set", vethRoot(i), "up"]);
      await waitCluster(90_000);
      log(`node ${i} back in the cluster in ${((Date.now() - t0) / 1000).toFixed(1)} s after the heal`);
    },
    async waitSynced(i, timeoutMs = 60_000) {
      if (i === undefined) await waitCluster(timeoutMs);
      else await waitNode(i, timeoutMs);
    },
    async checksums(database, tables) {
      const out: Record<string, (number | null)[]> = {};
      for (const t of tables) out[t] = [];
      for (const i of [1, 2, 3]) {
        const c = await connect(i, database);
        try {
          await c.query("SET SESSION wsrep_sync_wait = 1");
          for (const t of tables) {
            const [rows] = await c.query(`CHECKSUM TABLE \`${t}\` EXTENDED`);
            out[t].push((rows as { Checksum: number | null }[])[0]?.Checksum ?? null);
          }
        } finally {
          await c.end();
        }
      }
      return out;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const i of [1, 2, 3]) {
        quiet("ip", ["link", "set", vethRoot(i), "up"]);
        signal(i, "SIGCONT");
      }
      await Promise.all(
        [1, 2, 3].map(async (i) => {
          try {
            signal(i, "SIGTERM");
          } catch {
            /* gone */
          }
          await Promise.race([exited(i), new Promise((r) => setTimeout(r, 15_000))]);
        }),
      );
      cleanupSync();
    },
  };
}
