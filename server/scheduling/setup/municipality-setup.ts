import type { StaffPrincipal } from '../../auth/principal.ts';
import type { MunicipalitySetupDocument, SetupImportResult } from '../../contracts/municipality-setup.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { revalidateFutureAppointments } from '../revalidate.ts';
import { checkRule, checkTimes } from './setup-change.ts';

/**
 * Export and import of a municipality's whole set-up as one document (server/contracts/municipality-setup.ts).
 * The import checks the whole document first (400, nothing changed), then applies it in one write transaction,
 * re-checks the booked future of every touched location like every other set-up change (409 `conflict`, rolled
 * back: invariant 1, ARCHITECTURE.md#invariants), audits and publishes `location:changed` after the commit.
 * A dry run does the same work and rolls it back, so it reports the same changes and the same refusals.
 */

type Doc = MunicipalitySetupDocument;

function onlyAdmin(staff: StaffPrincipal): void {
  if (staff.role !== 'admin') throw new AppError('forbidden', 'Only admins export or import the set-up');
}

export async function exportSetup(deps: Deps, staff: StaffPrincipal): Promise<Doc> {
  onlyAdmin(staff);
  return deps.storage.read.office.setupDocument(staff.municipalityId);
}

class DryRun extends Error {
  constructor(readonly outcome: SetupImportResult) {
    super('dry run');
  }
}

export async function importSetup(
  deps: Deps,
  staff: StaffPrincipal,
  doc: Doc,
  dryRun: boolean,
): Promise<SetupImportResult> {
  onlyAdmin(staff);
  for (const l of doc.locations) {
    for (const r of l.scheduleRules) {
      checkRule(r.rrule);
      checkTimes(r.opensAt, r.closesAt);
    }
    for (const r of l.rosterRules) {
      checkRule(r.rrule);
      checkTimes(r.startsAt, r.endsAt);
    }
  }
  await deps.storage.read.office.checkSetupReferences(staff.municipalityId, doc);
  try {
    const outcome = await deps.storage.write(async (tx) => {
      const now = deps.clock.now();
      const changes = await tx.office.applySetupDocument(staff.municipalityId, doc);
      const everywhere = changes.some((c) => c.locationId === null);
      const touched = everywhere
        ? await tx.office.locationIdsOf(staff.municipalityId)
        : [...new Set(changes.map((c) => c.locationId as string))];
      let moved = 0;
      for (const id of touched) moved += (await revalidateFutureAppointments(tx, id, now)).moved;
      const result: SetupImportResult = { dryRun, changes, movedAppointments: moved };
      if (dryRun) throw new DryRun(result);
      if (changes.length > 0)
        await tx.audit.record(staff, staff.municipalityId, now, {
          action: 'setup.import',
          targetType: 'setup',
          targetId: staff.municipalityId,
          locationId: null,
          details: { changes: changes.length, movedAppointments: moved },
        });
      return { result, touched };
    });
    for (const locationId of outcome.touched) deps.events.publish('location:changed', { locationId, reason: 'setup' });
    return outcome.result;
  } catch (err) {
    if (err instanceof DryRun) return err.outcome;
    throw err;
  }
}
