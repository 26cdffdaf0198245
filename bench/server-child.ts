/** What the bench server children (`bench/hub/server.ts`, `bench/abuse/server.ts`) do alike around the real app. */

/** The parent asks for this process's CPU time, to report CPU per operation independent of machine load. */
export function answerCpuRequests(): void {
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'cpu') {
      const u = process.cpuUsage();
      process.send?.({ type: 'cpu', ms: (u.user + u.system) / 1000 });
    }
  });
}

/** SIGTERM closes the hub and then the database and exits 0, as server/main.ts does. */
export function closeOnSigterm(hub: { close(): Promise<unknown> }, db: { $client: { close(): unknown } }): void {
  process.on('SIGTERM', () => {
    void hub.close().then(() => {
      db.$client.close();
      process.exit(0);
    });
  });
}
