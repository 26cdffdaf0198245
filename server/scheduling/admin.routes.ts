import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireStaff, type StaffPrincipal } from '../auth/middleware.ts';
import {
  ClosureBody,
  Code,
  CounterBody,
  CounterPatch,
  FeesBody,
  Id,
  Json,
  LocationParam,
  OfferBody,
  RosterRuleBody,
  ScheduleRuleBody,
  ServiceBody,
  SettingsPatch,
  Setup,
} from '../contracts/admin.ts';
import { MunicipalitySetupDocument, SetupImportQuery, SetupImportResult } from '../contracts/municipality-setup.ts';
import { nonEmptyPatch } from '../contracts/validators.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { createRouter } from '../http/router.ts';
import { addClosure } from './setup/add-closure.ts';
import { createCounter } from './setup/create-counter.ts';
import { createService } from './setup/create-service.ts';
import { deleteClosure } from './setup/delete-closure.ts';
import { deleteRosterRule } from './setup/delete-roster-rule.ts';
import { deleteScheduleRule } from './setup/delete-schedule-rule.ts';
import { exportSetup, importSetup } from './setup/municipality-setup.ts';
import { offerService } from './setup/offer-service.ts';
import { readSetup } from './setup/read-setup.ts';
import { saveRosterRule } from './setup/save-roster-rule.ts';
import { saveScheduleRule } from './setup/save-schedule-rule.ts';
import { setServiceFees } from './setup/set-service-fees.ts';
import { updateCounter } from './setup/update-counter.ts';
import { updateService } from './setup/update-service.ts';
import { updateSettings } from './setup/update-settings.ts';

const supervisor = requireStaff('supervisor', 'admin');
const errors = {
  400: { description: 'Invalid request' },
  401: { description: 'Sign in first' },
  403: { description: 'Not your role or location' },
  404: { description: 'Not found' },
  409: { description: '`conflict`: booked appointments would no longer fit' },
};
const ok = (description: string) => ({ description, content: { 'application/json': { schema: Json } } });
const body = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { 'application/json': { schema } } },
});

function staffOf(c: Context): StaffPrincipal {
  const p = c.get('principal');
  if (p?.kind !== 'staff') throw new AppError('forbidden');
  return p;
}

const r = {
  setup: createRoute({
    method: 'get',
    path: '/locations/{id}/setup',
    tags: ['admin'],
    summary: 'Hours, rosters, closures (with computed holidays), counters and skills of a location',
    middleware: [supervisor],
    request: { params: LocationParam },
    responses: { 200: { description: 'Set-up', content: { 'application/json': { schema: Setup } } }, ...errors },
  }),
  settings: createRoute({
    method: 'patch',
    path: '/locations/{id}/settings',
    tags: ['admin'],
    summary: 'Booking grid, walk-in share, booking window, Good Friday / Liberation Day',
    middleware: [supervisor],
    request: { params: LocationParam, ...body(SettingsPatch) },
    responses: { 200: ok('Saved'), ...errors },
  }),
  addScheduleRule: createRoute({
    method: 'post',
    path: '/locations/{id}/schedule-rules',
    tags: ['admin'],
    summary: 'Add opening, appointment or walk-in hours (RRULE on local dates, wall-clock times)',
    middleware: [supervisor],
    request: { params: LocationParam, ...body(ScheduleRuleBody) },
    responses: { 201: ok('Created'), ...errors },
  }),
  putScheduleRule: createRoute({
    method: 'put',
    path: '/locations/{id}/schedule-rules/{ruleId}',
    tags: ['admin'],
    summary: 'Replace hours',
    middleware: [supervisor],
    request: { params: LocationParam.extend({ ruleId: Id }), ...body(ScheduleRuleBody) },
    responses: { 200: ok('Saved'), ...errors },
  }),
  delScheduleRule: createRoute({
    method: 'delete',
    path: '/locations/{id}/schedule-rules/{ruleId}',
    tags: ['admin'],
    summary: 'Remove hours',
    middleware: [supervisor],
    request: { params: LocationParam.extend({ ruleId: Id }) },
    responses: { 200: ok('Removed'), ...errors },
  }),
  addRosterRule: createRoute({
    method: 'post',
    path: '/locations/{id}/roster-rules',
    tags: ['admin'],
    summary: 'Staff a counter for appointments, walk-ins or both',
    middleware: [supervisor],
    request: { params: LocationParam, ...body(RosterRuleBody) },
    responses: { 201: ok('Created'), ...errors },
  }),
  putRosterRule: createRoute({
    method: 'put',
    path: '/locations/{id}/roster-rules/{ruleId}',
    tags: ['admin'],
    summary: 'Replace a roster rule',
    middleware: [supervisor],
    request: { params: LocationParam.extend({ ruleId: Id }), ...body(RosterRuleBody) },
    responses: { 200: ok('Saved'), ...errors },
  }),
  delRosterRule: createRoute({
    method: 'delete',
    path: '/locations/{id}/roster-rules/{ruleId}',
    tags: ['admin'],
    summary: 'Remove a roster rule',
    middleware: [supervisor],
    request: { params: LocationParam.extend({ ruleId: Id }) },
    responses: { 200: ok('Removed'), ...errors },
  }),
  addClosure: createRoute({
    method: 'post',
    path: '/locations/{id}/closures',
    tags: ['admin'],
    summary: 'Close a location on a date (refused while appointments are booked that day)',
    middleware: [supervisor],
    request: { params: LocationParam, ...body(ClosureBody) },
    responses: { 201: ok('Created'), ...errors },
  }),
  addMunicipalClosure: createRoute({
    method: 'post',
    path: '/closures',
    tags: ['admin'],
    summary: 'Close every location of your municipality on a date (admin)',
    middleware: [requireStaff('admin')],
    request: body(ClosureBody),
    responses: { 201: ok('Created'), ...errors },
  }),
  delClosure: createRoute({
    method: 'delete',
    path: '/closures/{closureId}',
    tags: ['admin'],
    summary: 'Remove a configured closure',
    middleware: [supervisor],
    request: { params: z.object({ closureId: Id }) },
    responses: { 200: ok('Removed'), ...errors },
  }),
  addCounter: createRoute({
    method: 'post',
    path: '/locations/{id}/counters',
    tags: ['admin'],
    summary: 'Add a counter with its skills (service codes)',
    middleware: [supervisor],
    request: { params: LocationParam, ...body(CounterBody) },
    responses: { 201: ok('Created'), ...errors },
  }),
  patchCounter: createRoute({
    method: 'patch',
    path: '/locations/{id}/counters/{counterId}',
    tags: ['admin'],
    summary: 'Rename, (de)activate or change the skills of a counter',
    middleware: [supervisor],
    request: { params: LocationParam.extend({ counterId: Id }), ...body(CounterPatch) },
    responses: { 200: ok('Saved'), ...errors },
  }),
  addService: createRoute({
    method: 'post',
    path: '/services',
    tags: ['admin'],
    summary: 'Add a service to your municipality (admin)',
    middleware: [requireStaff('admin')],
    request: body(ServiceBody),
    responses: { 201: ok('Created'), ...errors },
  }),
  patchService: createRoute({
    method: 'patch',
    path: '/services/{code}',
    tags: ['admin'],
    summary: 'Change a service (admin)',
    middleware: [requireStaff('admin')],
    request: {
      params: z.object({ code: Code }),
      ...body(nonEmptyPatch(ServiceBody.omit({ code: true }).partial().strict())),
    },
    responses: { 200: ok('Saved'), ...errors },
  }),
  exportSetup: createRoute({
    method: 'get',
    path: '/municipality/setup',
    tags: ['admin'],
    summary:
      "The municipality's whole set-up as one document: services and fees, closures, and per location settings, offered services, counters and skills, hours, rosters (admin)",
    middleware: [requireStaff('admin')],
    responses: {
      200: { description: 'Set-up document', content: { 'application/json': { schema: MunicipalitySetupDocument } } },
      ...errors,
    },
  }),
  importSetup: createRoute({
    method: 'put',
    path: '/municipality/setup',
    tags: ['admin'],
    summary:
      'Replace the set-up with a document: checked whole, then applied in one transaction; dryRun (the default) only says what would change (admin)',
    middleware: [requireStaff('admin')],
    request: { query: SetupImportQuery, ...body(MunicipalitySetupDocument) },
    responses: {
      200: {
        description: 'What changed (or would change)',
        content: { 'application/json': { schema: SetupImportResult } },
      },
      ...errors,
    },
  }),
  fees: createRoute({
    method: 'put',
    path: '/services/{code}/fees',
    tags: ['admin'],
    summary: 'Set the fees (leges) of a service per age group, in euro cents per person; null: no fee shown (admin)',
    middleware: [requireStaff('admin')],
    request: { params: z.object({ code: Code }), ...body(FeesBody) },
    responses: { 200: ok('Saved'), ...errors },
  }),
  offer: createRoute({
    method: 'put',
    path: '/locations/{id}/services/{code}',
    tags: ['admin'],
    summary: 'Offer a service at a location: online booking and/or walk-in',
    middleware: [supervisor],
    request: { params: LocationParam.extend({ code: Code }), ...body(OfferBody) },
    responses: { 200: ok('Saved'), ...errors },
  }),
  withdraw: createRoute({
    method: 'delete',
    path: '/locations/{id}/services/{code}',
    tags: ['admin'],
    summary: 'Stop offering a service at a location',
    middleware: [supervisor],
    request: { params: LocationParam.extend({ code: Code }) },
    responses: { 200: ok('Removed'), ...errors },
  }),
};

export function adminRoutes(deps: Deps) {
  return createRouter()
    .openapi(r.setup, async (c) => c.json(await readSetup(deps, staffOf(c), c.req.valid('param').id), 200))
    .openapi(r.settings, async (c) =>
      c.json(await updateSettings(deps, staffOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .openapi(r.addScheduleRule, async (c) =>
      c.json(await saveScheduleRule(deps, staffOf(c), c.req.valid('param').id, c.req.valid('json')), 201),
    )
    .openapi(r.putScheduleRule, async (c) => {
      const { id, ruleId } = c.req.valid('param');
      return c.json(await saveScheduleRule(deps, staffOf(c), id, c.req.valid('json'), ruleId), 200);
    })
    .openapi(r.delScheduleRule, async (c) => {
      const { id, ruleId } = c.req.valid('param');
      return c.json(await deleteScheduleRule(deps, staffOf(c), id, ruleId), 200);
    })
    .openapi(r.addRosterRule, async (c) =>
      c.json(await saveRosterRule(deps, staffOf(c), c.req.valid('param').id, c.req.valid('json')), 201),
    )
    .openapi(r.putRosterRule, async (c) => {
      const { id, ruleId } = c.req.valid('param');
      return c.json(await saveRosterRule(deps, staffOf(c), id, c.req.valid('json'), ruleId), 200);
    })
    .openapi(r.delRosterRule, async (c) => {
      const { id, ruleId } = c.req.valid('param');
      return c.json(await deleteRosterRule(deps, staffOf(c), id, ruleId), 200);
    })
    .openapi(r.addClosure, async (c) =>
      c.json(await addClosure(deps, staffOf(c), c.req.valid('param').id, c.req.valid('json')), 201),
    )
    .openapi(r.addMunicipalClosure, async (c) =>
      c.json(await addClosure(deps, staffOf(c), null, c.req.valid('json')), 201),
    )
    .openapi(r.delClosure, async (c) =>
      c.json(await deleteClosure(deps, staffOf(c), c.req.valid('param').closureId), 200),
    )
    .openapi(r.addCounter, async (c) =>
      c.json(await createCounter(deps, staffOf(c), c.req.valid('param').id, c.req.valid('json')), 201),
    )
    .openapi(r.patchCounter, async (c) => {
      const { id, counterId } = c.req.valid('param');
      return c.json(await updateCounter(deps, staffOf(c), id, counterId, c.req.valid('json')), 200);
    })
    .openapi(r.addService, async (c) => c.json(await createService(deps, staffOf(c), c.req.valid('json')), 201))
    .openapi(r.patchService, async (c) =>
      c.json(await updateService(deps, staffOf(c), c.req.valid('param').code, c.req.valid('json')), 200),
    )
    .openapi(r.exportSetup, async (c) => c.json(await exportSetup(deps, staffOf(c)), 200))
    .openapi(r.importSetup, async (c) =>
      c.json(await importSetup(deps, staffOf(c), c.req.valid('json'), c.req.valid('query').dryRun === 'true'), 200),
    )
    .openapi(r.fees, async (c) =>
      c.json(await setServiceFees(deps, staffOf(c), c.req.valid('param').code, c.req.valid('json')), 200),
    )
    .openapi(r.offer, async (c) => {
      const { id, code } = c.req.valid('param');
      return c.json(await offerService(deps, staffOf(c), id, code, c.req.valid('json')), 200);
    })
    .openapi(r.withdraw, async (c) => {
      const { id, code } = c.req.valid('param');
      return c.json(await offerService(deps, staffOf(c), id, code, null), 200);
    });
}
