import { createRoute } from '@hono/zod-openapi';
import { MunicipalityDto, MunicipalityQuery } from '../contracts/integrations.ts';
import type { Deps } from '../deps.ts';
import { createRouter } from '../http/router.ts';
import { getMunicipality } from './municipality.ts';
import { problemContent } from './openapi.ts';

export function municipalityRoutes(deps: Deps) {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: 'get',
      path: '/municipality',
      operationId: 'getMunicipality',
      tags: ['municipality'],
      summary: 'Name, logo, contact and house-style tokens of the municipality, for the front-ends and widgets',
      description:
        'The front-ends take the municipality’s name and style from here, never from translation files. With several municipalities on one installation, pass `municipality`.',
      request: {
        query: MunicipalityQuery,
      },
      responses: {
        200: { description: 'The municipality', content: { 'application/json': { schema: MunicipalityDto } } },
        400: { description: 'Invalid input, or several municipalities and none chosen', content: problemContent },
        404: { description: 'No such municipality', content: problemContent },
      },
    }),
    async (c) =>
      c.json(await getMunicipality(deps, c.req.valid('query').municipality), 200, {
        'cache-control': 'public, max-age=300',
      }),
  );
  return router;
}
