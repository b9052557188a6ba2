import net from "node:net";

/**
 * A TCP proxy in front of the local database that a test can cut and restore, to play a
 * database outage without touching the shared server.
 */
/** A COM_QUERY packet "COMMIT": length 7, sequence 0, command 3. */
const COMMIT = Buffer.concat([Buffer.from([7, 0, 0, 0, 3]), Buffer.from("COMMIT")]);

export class DbProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private commitTrap: { marker: string; done: () => void } | undefined;

  constructor(
    readonly port: number,
    private readonly target = { host: "127.0.0.1", port: 3306 },
  ) {}

  async up(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => s.destroy());
      }
      // Client → server: watched for the trap (a COMMIT after the marker, on one connection).
      let sawMarker = false;
      let swallow = false;
      client.on("data", (chunk: Buffer) => {
        const trap = this.commitTrap;
        if (trap && !sawMarker && chunk.includes(trap.marker)) sawMarker = true;
        if (trap && sawMarker && chunk.length === COMMIT.length && chunk.equals(COMMIT)) {
          this.commitTrap = undefined;
          swallow = true;
          upstream.write(chunk);
          // The server's answer to COMMIT never reaches the client: both ends are cut once it comes.
          upstream.once("data", () => {
            client.destroy();
            upstream.destroy();
            trap.done();
          });
          return;
        }
        upstream.write(chunk);
      });
      upstream.on("data", (chunk: Buffer) => {
        if (!swallow) client.write(chunk);
      });
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, "127.0.0.1", resolve));
  }

  /**
   * On the next connection that sends a statement containing `marker` and then COMMIT: lets
   * the COMMIT through, waits for the server's answer (so the transaction has committed), drops
   * that answer and cuts the connection — a COMMIT whose reply was lost. Resolves when done.
   */
  loseNextCommitAnswer(marker: string): Promise<void> {
    return new Promise((resolve) => (this.commitTrap = { marker, done: resolve }));
  }

  /** Refuses new connections and drops every open one, mid-query if need be. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
