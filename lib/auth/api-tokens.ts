import { createHash, randomBytes } from 'node:crypto';

const TOKEN_PREFIX = 'aai_';

/** A new bearer token: shown once to its owner; only its hash is stored. */
export function generateApiToken(): { token: string; hash: string; prefix: string } {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashApiToken(token), prefix: token.slice(0, 12) };
}

/** SHA-256 is enough here: tokens are 256 random bits, so there is nothing to brute-force from the hash. */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
