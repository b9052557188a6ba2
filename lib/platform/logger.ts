import pino, { type Logger } from "pino";
import { env } from "./env";
import { singleton } from "./singleton";

// The one logger: JSON lines on stdout (pino), level from LOG_LEVEL. Callers add their context
// with `child({ eventId, run })` or `child({ requestId })`, so every line says what it is about.
// Secrets never reach a line: headers that carry them are redacted by path, and the admin
// token itself is scrubbed from every line written, wherever it hides (an error message, a URL).

export type { Logger };

const REDACT = ["authorization", "cookie", "token", "*.authorization", "*.cookie", "*.token", "headers.authorization", "headers.cookie", "req.headers.authorization", "req.headers.cookie"];

export function createLogger(destination?: pino.DestinationStream, level = env().LOG_LEVEL): Logger {
  const secret = env().ADMIN_TOKEN;
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: "[redacted]" },
      ...(secret ? { hooks: { streamWrite: (line: string) => line.replaceAll(secret, "[redacted]") } } : {}),
    },
    destination ?? pino.destination({ fd: 1, sync: true }),
  );
}

export function logger(): Logger {
  return singleton("logger", () => createLogger());
}
