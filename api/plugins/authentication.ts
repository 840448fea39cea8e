import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hashApiToken } from '../../lib/auth/api-tokens';
import type { PrismaClient } from '../../lib/db';
import { HttpProblem } from './problem-details';

/** Who is calling: every tenant-owned query is scoped by `companyId`, never by a value from the request. */
export interface Principal {
  userId: string;
  companyId: string;
  tokenId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

const unauthorized = (detail: string) => new HttpProblem(401, detail, { headers: { 'www-authenticate': 'Bearer realm="api"' } });

/**
 * Bearer API tokens: `Authorization: Bearer aai_…`. Register inside the encapsulated context of the routes
 * it protects; /health and /docs stay outside.
 */
export default fp(async function authentication(app: FastifyInstance, { prisma }: { prisma: PrismaClient }) {
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (!header) throw unauthorized('Missing Authorization header: send "Authorization: Bearer <API token>"');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw unauthorized('Authorization header must be "Bearer <API token>"');
    const token = await prisma.apiToken.findUnique({
      where: { tokenHash: hashApiToken(match[1]) },
      select: { id: true, revokedAt: true, user: { select: { id: true, companyId: true } } },
    });
    if (!token || token.revokedAt) throw unauthorized('API token is unknown or revoked');
    request.principal = { userId: token.user.id, companyId: token.user.companyId, tokenId: token.id };
    // Best effort: a failed bookkeeping write must not fail the request.
    prisma.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: new Date() } }).catch((err: unknown) => {
      request.log.warn({ err }, 'could not record token use');
    });
  });
});
