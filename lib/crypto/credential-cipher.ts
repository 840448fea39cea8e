import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Base class of every failure to decrypt, so callers can catch one type. */
export class CredentialDecryptionError extends Error {
  override readonly name: string = 'CredentialDecryptionError';
}

/** The stored value names a key this process does not have (removed too early, or another environment's). */
export class UnknownCredentialKeyError extends CredentialDecryptionError {
  override readonly name = 'UnknownCredentialKeyError';
  constructor(readonly keyId: string) {
    super(`Credential was encrypted with key "${keyId}", which is not in CREDENTIAL_KEYS`);
  }
}

/** The stored value is malformed, was altered, or belongs to another row (associated data mismatch). */
export class TamperedCredentialError extends CredentialDecryptionError {
  override readonly name = 'TamperedCredentialError';
}

/**
 * AES-256-GCM with a key ring. Stored form: `<keyId>:<iv>:<encrypted>:<authTag>` (base64 parts), i.e. the
 * spec's `iv:encrypted:authTag` prefixed with the id of the key that sealed it, so keys can rotate: encrypt
 * with the current key, decrypt with whichever key the value names. A value in the spec's bare three-part
 * form is decrypted by trying each key (GCM's tag tells the right one).
 *
 * `context` is authenticated but not stored (AES-GCM associated data): pass e.g. the credential id so a
 * ciphertext copied into another row fails to decrypt.
 */
export class CredentialCipher {
  constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    private readonly currentKeyId: string,
  ) {
    if (!keys.has(currentKeyId)) throw new Error(`Current key "${currentKeyId}" is not in the key ring`);
    for (const [id, key] of keys) {
      if (key.length !== 32) throw new Error(`Key "${id}" must be 32 bytes, got ${key.length}`);
      if (id.includes(':')) throw new Error(`Key id "${id}" must not contain ":"`);
    }
  }

  encrypt(plaintext: string, context?: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(this.currentKeyId)!, iv);
    if (context !== undefined) cipher.setAAD(Buffer.from(context, 'utf8'));
    const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [this.currentKeyId, iv.toString('base64'), encrypted.toString('base64'), tag.toString('base64')].join(':');
  }

  decrypt(stored: string, context?: string): string {
    const parts = stored.split(':');
    if (parts.length === 4) {
      const [keyId, iv, encrypted, tag] = parts as [string, string, string, string];
      const key = this.keys.get(keyId);
      if (!key) throw new UnknownCredentialKeyError(keyId);
      return open(key, iv, encrypted, tag, context);
    }
    if (parts.length === 3) {
      const [iv, encrypted, tag] = parts as [string, string, string];
      for (const key of this.keys.values()) {
        try {
          return open(key, iv, encrypted, tag, context);
        } catch {
          // try the next key
        }
      }
      throw new TamperedCredentialError('Credential cannot be decrypted with any known key: altered, or sealed with a key no longer configured');
    }
    throw new TamperedCredentialError(`Credential is not in the form keyId:iv:encrypted:authTag (${parts.length} parts)`);
  }

  /** True when the value was sealed with an older key and should be re-encrypted. */
  needsRotation(stored: string): boolean {
    return stored.split(':')[0] !== this.currentKeyId;
  }
}

function open(key: Buffer, ivB64: string, encryptedB64: string, tagB64: string, context?: string): string {
  const iv = Buffer.from(ivB64, 'base64');
  const tag = Buffer.from(tagB64, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new TamperedCredentialError('Credential has an invalid IV or authentication tag length');
  }
  const decipher = createDecipheriv(ALGORITHM, key, iv);
  decipher.setAuthTag(tag);
  if (context !== undefined) decipher.setAAD(Buffer.from(context, 'utf8'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(encryptedB64, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new TamperedCredentialError('Credential failed authentication: it was altered, or belongs to another record');
  }
}

/** The cipher of a configuration's key ring. */
export function cipherFrom(credentials: { keys: ReadonlyMap<string, Buffer>; currentKeyId: string }): CredentialCipher {
  return new CredentialCipher(credentials.keys, credentials.currentKeyId);
}
