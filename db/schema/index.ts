export * from './appointments.ts';
export * from './catalog.ts';
export * from './counters.ts';
export * from './notify.ts';
export * from './queue.ts';
export * from './schedules.ts';
export * from './staff.ts';
export * from './tenancy.ts';
