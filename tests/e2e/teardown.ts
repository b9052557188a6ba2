import mysql from "mysql2/promise";

export default async function teardown() {
  const name = process.env.E2E_DATABASE;
  if (!name || !/^ticketing_e2e_[0-9a-f]+$/.test(name)) return;
  const conn = await mysql.createConnection({ uri: process.env.TEST_DATABASE_SERVER ?? "mysql://root@127.0.0.1:3306" });
  await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await conn.end();
}
