import mysql from "mysql2/promise";

export default async function teardown() {
  const names = [process.env.E2E_DATABASE, process.env.E2E_BARE_DATABASE].filter((n): n is string => !!n && /^ticketing_e2e_[0-9a-f]+(_bare)?$/.test(n));
  if (names.length === 0) return;
  const conn = await mysql.createConnection({ uri: process.env.TEST_DATABASE_SERVER ?? "mysql://root@127.0.0.1:3306" });
  for (const name of names) await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await conn.end();
}
