// Typed failures of the Amazon Ads API and Login with Amazon. Activities turn them into Temporal failures:
// throttled and server errors are retried (throttled after the server's Retry-After), the rest are not.

export class AmazonAdsError extends Error {
  override name = 'AmazonAdsError';
  constructor(
    message: string,
    readonly status: number | null,
    readonly requestId: string | null = null,
  ) {
    super(message);
  }
}

/** 429. `retryAfterSeconds` is null when the server sent no Retry-After (report creation often does not). */
export class ThrottledError extends AmazonAdsError {
  override name = 'ThrottledError';
  constructor(
    message: string,
    readonly retryAfterSeconds: number | null,
  ) {
    super(message, 429);
  }
}

/** 401 from the Ads API: the access token is expired or not accepted. */
export class UnauthorizedError extends AmazonAdsError {
  override name = 'UnauthorizedError';
}

/** LWA `invalid_grant`: the refresh token (or authorization code) is revoked or expired; a user must re-authorize. */
export class InvalidGrantError extends AmazonAdsError {
  override name = 'InvalidGrantError';
}

export class NotFoundError extends AmazonAdsError {
  override name = 'NotFoundError';
}

/** 425: an identical report is already in flight; `reportId` names it when the body does. */
export class DuplicateReportError extends AmazonAdsError {
  override name = 'DuplicateReportError';
  constructor(
    message: string,
    readonly reportId: string | null,
  ) {
    super(message, 425);
  }
}

export class ServerError extends AmazonAdsError {
  override name = 'ServerError';
}

/** Any other 4xx: the request is wrong, and sending it again will not help. */
export class BadRequestError extends AmazonAdsError {
  override name = 'BadRequestError';
}

/** The error body's text, whichever of the API's shapes it has (`details`, `detail`, `message`, LWA's `error_description`). */
export function errorText(body: unknown, fallback: string): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    for (const key of ['details', 'detail', 'message', 'error_description', 'error']) {
      if (typeof b[key] === 'string' && b[key]) return b[key] as string;
    }
  }
  return typeof body === 'string' && body.trim() ? body.trim().slice(0, 300) : fallback;
}

/** Maps an error response to its typed error. */
export function errorFor(status: number, body: unknown, retryAfter: string | null, what: string): AmazonAdsError {
  const text = `${what}: ${errorText(body, `HTTP ${status}`)}`;
  const requestId = body && typeof body === 'object' ? ((body as Record<string, unknown>).requestId as string | undefined) ?? null : null;
  if (status === 429) {
    const seconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : null;
    return new ThrottledError(text, seconds);
  }
  if (status === 425) {
    const reportId = /duplicate of\s*:\s*([0-9a-f-]{36})/i.exec(errorText(body, ''))?.[1] ?? null;
    return new DuplicateReportError(text, reportId);
  }
  if (status === 401) return new UnauthorizedError(text, status, requestId);
  if (status === 404) return new NotFoundError(text, status, requestId);
  if (status >= 500) return new ServerError(text, status, requestId);
  return new BadRequestError(text, status, requestId);
}
