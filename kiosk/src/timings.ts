/** How long the kiosk waits before it resets itself or calls itself offline. */
export interface KioskTimings {
  idleMs: number;
  ticketIdleMs: number;
  warningMs: number;
  offlineGraceMs: number;
}

export const defaultTimings: KioskTimings = {
  idleMs: 45_000,
  ticketIdleMs: 20_000,
  warningMs: 10_000,
  offlineGraceMs: 3000,
};

let requestCounter = 0;
export function newRequestId(): string {
  requestCounter += 1;
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${requestCounter}`;
}
