import { randomBytes } from "node:crypto";

/** A purchase's public id: random, so that knowing one does not reveal others. */
export function newPublicId(): string {
  return `p_${randomBytes(12).toString("base64url")}`;
}
