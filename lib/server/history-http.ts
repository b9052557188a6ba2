import "server-only";
import type { z } from "zod";
import { AppError } from "@/lib/contracts/errors";
import { fieldErrors } from "@/lib/contracts/event-input";
import type { ExportFormat } from "@/lib/contracts/history";
import { CONTENT_TYPES, encodeRows } from "@/lib/history/serialize";

// The HTTP side of the history endpoints: a query string checked against its schema (a clear
// 4xx naming the parameter, never a 500), and an export streamed as a download.

export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const params = new URL(req.url).searchParams;
  const data: Record<string, string> = {};
  for (const [k, v] of params) {
    if (k in data) throw new AppError("bad_request", `The parameter ${k} is given twice; give it once (kind takes a comma-separated list)`, { field: k });
    data[k] = v;
  }
  const r = schema.safeParse(data);
  if (!r.success) {
    const fields = fieldErrors(r.error);
    throw new AppError("bad_request", Object.values(fields)[0] ?? "The query string is not valid", { fields });
  }
  return r.data;
}

/**
 * A streamed download of `rows`. The first chunk is read before the answer starts, so a
 * database that is down still gets its 503; after that the body pulls rows as fast as the
 * client reads them (backpressure all the way to the database cursor).
 */
export async function download<R extends Record<string, unknown>>(format: ExportFormat, fileName: string, columns: readonly (keyof R & string)[], rows: AsyncGenerator<R>): Promise<Response> {
  const chunks = encodeRows(format, columns, rows);
  const first = await chunks.next().catch(async (err: unknown) => {
    await rows.return(undefined);
    throw err;
  });
  const encoder = new TextEncoder();
  let pending: IteratorResult<string> | null = first;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = pending ?? (await chunks.next());
          pending = null;
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (err) {
          controller.error(err);
        }
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": CONTENT_TYPES[format],
      "content-disposition": `attachment; filename="${fileName}.${format}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
