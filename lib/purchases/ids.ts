import { randomBytes } from "node:crypto";

// Random bytes are drawn from the system a few kilobytes at a time: one draw per purchase cost
// a system call each under a rush.
const ID_BYTES = 12;
const POOL_IDS = 512;
let pool = Buffer.alloc(0);
let at = 0;

/** A purchase's public id: random, so that knowing one does not reveal others. */
export function newPublicId(): string {
  if (at + ID_BYTES > pool.length) {
    pool = randomBytes(ID_BYTES * POOL_IDS);
    at = 0;
  }
  const id = pool.toString("base64url", at, at + ID_BYTES);
  at += ID_BYTES;
  return `p_${id}`;
}
