import { OpenAPIHono } from '@hono/zod-openapi';
import { validationHook } from './errors.ts';

/** Every domain router is made here, so all share the one validation hook. */
export function createRouter(): OpenAPIHono {
  return new OpenAPIHono({ defaultHook: validationHook });
}
