import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Paths that may carry secrets. pino's `*` matches one level only, so nested shapes are listed explicitly.
 * Never interpolate a secret into a message string: redaction only sees logged objects.
 */
export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-shopify-access-token"]',
  'headers["x-shopify-access-token"]',
  '*.headers.authorization',
  'token',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'password',
  'apiToken',
  'key',
  'keys',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.clientSecret',
  '*.client_secret',
  '*.password',
  '*.apiToken',
  '*.encryptedAccessToken',
  '*.encryptedRefreshToken',
  'encryptedAccessToken',
  'encryptedRefreshToken',
];

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  name?: string;
}

export function createLogger(options: LoggerOptions, destination?: pino.DestinationStream): Logger {
  const base: pino.LoggerOptions = {
    level: options.level,
    name: options.name,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (destination) return pino(base, destination);
  if (options.pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } });
  }
  return pino(base);
}
