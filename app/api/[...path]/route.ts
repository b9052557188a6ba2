import { AppError } from "@/lib/contracts/errors";
import { route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// Any /api path that is not one of ours: a JSON 404 in the API's one error shape, instead of
// the HTML not-found page (an API client should never have to parse HTML).
const notFound = route(async () => {
  throw new AppError("not_found", "There is no such API endpoint: see the README for the list");
});

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
