// The layer rules of this codebase, checked by `npm run lint` (README: "Layers").
// lib/ is one folder per layer; a layer may import only the layers below it:
//
//   app → server → history → events → engine → pool → purchases → webhooks → log → db → platform → contracts
//
// `contracts` is client-safe (types, zod schemas, error codes, formatting): the only part of
// lib that a "use client" file may import.
const fs = require("node:fs");
const path = require("node:path");

const LAYERS = ["contracts", "platform", "db", "log", "webhooks", "purchases", "pool", "engine", "events", "history", "server"];

/** Every layer forbids importing the layers above it. */
const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer}-only-down`,
  comment: `lib/${layer} may import only ${LAYERS.slice(0, i).join(", ") || "nothing else in lib"}`,
  severity: "error",
  from: { path: `^lib/${layer}/` },
  to: { path: `^lib/(${LAYERS.slice(i + 1).join("|")})/` },
}));

/** Files that run in the browser: the "use client" files and what they import from app/ (but not server actions). */
function clientFiles() {
  const all = [];
  (function walk(dir) {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|tsx)$/.test(e.name)) all.push(p);
    }
  })("app");
  const text = Object.fromEntries(all.map((p) => [p, fs.readFileSync(p, "utf8")]));
  const directive = (p, d) => new RegExp(`^\\s*(//.*\\n\\s*)*["']${d}["']`).test(text[p]);
  const client = new Set(all.filter((p) => directive(p, "use client")));
  for (const queue = [...client]; queue.length; ) {
    const file = queue.pop();
    for (const [, spec] of text[file].matchAll(/from\s+["']([^"']+)["']/g)) {
      const base = spec.startsWith("@/app/") ? spec.slice(2) : spec.startsWith(".") ? path.join(path.dirname(file), spec) : null;
      if (!base) continue;
      const found = [".ts", ".tsx", "/index.ts", "/index.tsx"].map((x) => base + x).find((p) => text[p] !== undefined);
      if (found && !client.has(found) && !directive(found, "use server")) {
        client.add(found);
        queue.push(found);
      }
    }
  }
  return [...client].map((p) => `^${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
}
const CLIENT = clientFiles();

module.exports = {
  forbidden: [
    ...upward,
    {
      name: "no-circular",
      comment: "No import cycles, between folders or files",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-orphans",
      comment: "Every module is used (Next's own entry files and configs aside)",
      severity: "error",
      from: {
        orphan: true,
        pathNot: [
          "(^|/)\\.[^/]+\\.(js|cjs|mjs|ts)$",
          "\\.d\\.ts$",
          "^app/.*/(page|layout|route|error|not-found|loading|template|default)\\.tsx?$",
          "^app/(page|layout|error|not-found)\\.tsx$",
          "^(instrumentation|proxy|playwright\\.config|prisma\\.config|next\\.config)\\.(ts|mjs)$",
          "^lib/generated/",
          "^lib/server/standalone-entry\\.mjs$",
          "^lib/server/audit-cli\\.ts$",
        ],
      },
      to: {},
    },
    {
      name: "lib-not-to-app",
      comment: "lib never imports app: the domain does not know its pages",
      severity: "error",
      from: { path: "^lib/" },
      to: { path: "^app/" },
    },
    {
      name: "pool-not-to-engine-or-events",
      comment: "The pool knows nothing of who drives it",
      severity: "error",
      from: { path: "^lib/pool/" },
      to: { path: "^lib/(engine|events)/" },
    },
    {
      name: "one-prisma-client",
      comment: "Only lib/db touches the generated Prisma client (lib/db/client.ts creates the one instance)",
      severity: "error",
      from: { path: "^(app|lib)/", pathNot: "^lib/(db|generated)/" },
      to: { path: "^lib/generated/" },
    },
    {
      name: "contracts-stay-client-safe",
      comment: "lib/contracts is imported by the browser: it may import only itself and zod",
      severity: "error",
      from: { path: "^lib/contracts/" },
      to: { pathNot: ["^lib/contracts/", "^node_modules/zod/"] },
    },
    {
      name: "client-imports-client-safe-only",
      comment: "A \"use client\" file (and what it imports from app/) may take from lib only lib/contracts — not even types from a server-only module",
      severity: "error",
      from: { path: CLIENT },
      to: { path: ["^lib/(?!contracts/)", "^node_modules/server-only/", "^node:", "^(fs|path|crypto|events|child_process|net)$"] },
    },
    {
      name: "client-not-to-server-only-app",
      comment: "A client file imports from app/ only client-safe files or server actions (\"use server\")",
      severity: "error",
      from: { path: CLIENT },
      to: { path: "^app/", pathNot: [...CLIENT, "^app/actions/"] },
    },
  ],
  options: {
    doNotFollow: { path: ["node_modules", "^lib/generated/"] },
    exclude: { path: "^\\.next/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"], extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs"] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
