import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** RFC 9457 problem details, the body of every error answer. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ location: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

export type Problem = z.infer<typeof problemSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Throw from a route to answer with a problem document. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly extra: { errors?: Problem['errors']; headers?: Record<string, string> } = {},
  ) {
    super(detail);
  }
}

export const notFound = (what: string, id: string) => new HttpProblem(404, `${what} ${id} does not exist`);

function sendProblem(reply: FastifyReply, problem: Problem, headers: Record<string, string> = {}) {
  return reply.code(problem.status).headers(headers).type('application/problem+json').send(problem);
}

function problem(status: number, detail: string | undefined, instance: string, errors?: Problem['errors']): Problem {
  return { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, instance, ...(errors ? { errors } : {}) };
}

export default fp(async function problemDetails(app: FastifyInstance) {
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem(404, `No route ${request.method} ${request.url.split('?')[0]}`, request.url)),
  );

  app.setErrorHandler((error: FastifyError | HttpProblem, request, reply) => {
    if (error instanceof HttpProblem) {
      return sendProblem(reply, problem(error.status, error.detail, request.url, error.extra.errors), error.extra.headers);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const errors = error.validation.map((issue) => ({
        location: `${error.validationContext ?? 'request'}${issue.instancePath.replace(/\//g, '.')}`,
        message: issue.message ?? 'invalid',
      }));
      const detail = errors.map((e) => `${e.location}: ${e.message}`).join('; ');
      return sendProblem(reply, problem(400, `Invalid request: ${detail}`, request.url, errors));
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    // Never leak internals of unexpected errors to the caller.
    const detail = status >= 500 ? 'An unexpected error occurred; it has been logged.' : error.message;
    return sendProblem(reply, problem(status, detail, request.url));
  });
});
