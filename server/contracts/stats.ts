/** GET /locations/{id}/statistics: wait summaries (shares 0–1, null without data). No personal data. */
export interface WaitSummary {
  visitors: number;
  called: number;
  /** Tickets that left without being called (cancelled while waiting, given up). */
  notCalled: number;
  within5: number;
  within10: number;
  withinNorm: number;
  share5: number | null;
  share10: number | null;
  shareWithinNorm: number | null;
  medianWaitMinutes: number | null;
  p90WaitMinutes: number | null;
}

export interface LocationStatistics {
  locationId: string;
  from: string;
  to: string;
  norm: { share: number; minutes: number };
  walkIns: WaitSummary;
  appointments: WaitSummary & {
    booked: number;
    served: number;
    noShows: number;
    cancelled: number;
    noShowShare: number | null;
  };
  perService: (WaitSummary & { code: string })[];
  /** Walk-ins per day. */
  perDay: (WaitSummary & { date: string })[];
  /** Working days from today to the first bookable day for one person, per online service; null: none. */
  daysToFirstFreeSlot: Record<string, number | null>;
}
