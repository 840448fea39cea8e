import { createCipheriv, randomBytes } from 'node:crypto';
import { CredentialCipher, CredentialDecryptionError, TamperedCredentialError, UnknownCredentialKeyError } from '../lib/crypto/credential-cipher';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const secret = 'Atzr|IwEBIA-refresh-token-ü';

test('round trip, in the form keyId:iv:encrypted:authTag, with a fresh IV every time', () => {
  const cipher = new CredentialCipher(new Map([['v1', k1]]), 'v1');
  const a = cipher.encrypt(secret);
  const b = cipher.encrypt(secret);
  expect(a).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
  expect(a).not.toBe(b);
  expect(a).not.toContain(secret);
  expect(cipher.decrypt(a)).toBe(secret);
  expect(cipher.decrypt(b)).toBe(secret);
});

test('rotation: old values still open after a new key becomes current, and say they need re-encryption', () => {
  const before = new CredentialCipher(new Map([['v1', k1]]), 'v1').encrypt(secret);
  const after = new CredentialCipher(new Map([['v1', k1], ['v2', k2]]), 'v2');
  expect(after.decrypt(before)).toBe(secret);
  expect(after.needsRotation(before)).toBe(true);
  const reencrypted = after.encrypt(after.decrypt(before));
  expect(reencrypted.startsWith('v2:')).toBe(true);
  expect(after.needsRotation(reencrypted)).toBe(false);
});

test('a value sealed with a key that is gone gives UnknownCredentialKeyError', () => {
  const sealed = new CredentialCipher(new Map([['v1', k1]]), 'v1').encrypt(secret);
  const other = new CredentialCipher(new Map([['v2', k2]]), 'v2');
  expect(() => other.decrypt(sealed)).toThrow(UnknownCredentialKeyError);
  expect(() => other.decrypt(sealed)).toThrow(/key "v1"/);
});

test('any altered part gives TamperedCredentialError, never garbage', () => {
  const cipher = new CredentialCipher(new Map([['v1', k1]]), 'v1');
  const [id, iv, enc, tag] = cipher.encrypt(secret).split(':') as [string, string, string, string];
  const flip = (b64: string) => {
    const buf = Buffer.from(b64, 'base64');
    buf[0] = buf[0]! ^ 0x01;
    return buf.toString('base64');
  };
  for (const altered of [[id, flip(iv), enc, tag], [id, iv, flip(enc), tag], [id, iv, enc, flip(tag)], [id, iv, enc, 'AAAA']]) {
    expect(() => cipher.decrypt(altered.join(':'))).toThrow(TamperedCredentialError);
  }
  expect(() => cipher.decrypt('not-a-credential')).toThrow(TamperedCredentialError);
  expect(() => cipher.decrypt('x:y')).toThrow(CredentialDecryptionError);
});

test('associated data binds a ciphertext to its record', () => {
  const cipher = new CredentialCipher(new Map([['v1', k1]]), 'v1');
  const sealed = cipher.encrypt(secret, 'credential-a');
  expect(cipher.decrypt(sealed, 'credential-a')).toBe(secret);
  expect(() => cipher.decrypt(sealed, 'credential-b')).toThrow(TamperedCredentialError);
});

test("the spec's bare iv:encrypted:authTag form is opened by trying each known key", () => {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', k2, iv);
  const enc = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
  const bare = [iv, enc, c.getAuthTag()].map((b) => b.toString('base64')).join(':');
  expect(new CredentialCipher(new Map([['v1', k1], ['v2', k2]]), 'v1').decrypt(bare)).toBe(secret);
  expect(() => new CredentialCipher(new Map([['v1', k1]]), 'v1').decrypt(bare)).toThrow(TamperedCredentialError);
});

test('a key ring with a short key or a missing current key is refused', () => {
  expect(() => new CredentialCipher(new Map([['v1', randomBytes(16)]]), 'v1')).toThrow(/32 bytes/);
  expect(() => new CredentialCipher(new Map([['v1', k1]]), 'v2')).toThrow(/not in the key ring/);
});
