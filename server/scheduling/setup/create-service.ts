import { and, eq } from 'drizzle-orm';
import { services } from '../../../db/schema/index.ts';
import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { change } from './setup-change.ts';

export interface ServiceInput {
  code: string;
  nameNl: string;
  nameEn: string;
  minutesPerPerson: number;
  maxPersons: number;
  ticketLetter: string;
  necessitiesNl?: string[];
  necessitiesEn?: string[];
  targetWaitMinutes?: number;
  followUpServiceCode?: string | null;
  followUpMinWorkingDays?: number | null;
}

export function createService(deps: Deps, staff: StaffPrincipal, input: ServiceInput) {
  if (staff.role !== 'admin') throw new AppError('forbidden', 'Only admins manage services');
  return change(deps, staff, null, 'service.create', (tx) => {
    const exists = tx
      .select({ id: services.id })
      .from(services)
      .where(and(eq(services.municipalityId, staff.municipalityId), eq(services.code, input.code)))
      .get();
    if (exists) throw new AppError('conflict', `Service ${input.code} exists`);
    const r = tx
      .insert(services)
      .values({
        ...input,
        necessitiesNl: input.necessitiesNl ?? [],
        necessitiesEn: input.necessitiesEn ?? [],
        municipalityId: staff.municipalityId,
      })
      .returning()
      .get();
    return { result: { service: r }, targetId: input.code };
  });
}
