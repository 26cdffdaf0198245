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

export async function createService(deps: Deps, staff: StaffPrincipal, input: ServiceInput) {
  if (staff.role !== 'admin') throw new AppError('forbidden', 'Only admins manage services');
  return change(deps, staff, null, 'service.create', async (tx) => {
    if (await tx.office.serviceByCode(staff.municipalityId, input.code))
      throw new AppError('conflict', `Service ${input.code} exists`);
    const r = await tx.office.insertService({
      ...input,
      necessitiesNl: input.necessitiesNl ?? [],
      necessitiesEn: input.necessitiesEn ?? [],
      targetWaitMinutes: input.targetWaitMinutes ?? 10,
      followUpServiceCode: input.followUpServiceCode ?? null,
      followUpMinWorkingDays: input.followUpMinWorkingDays ?? null,
      municipalityId: staff.municipalityId,
    });
    return { result: { service: r }, targetId: input.code };
  });
}
