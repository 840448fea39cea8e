import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

function readableSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
  return bytes >= 1024 ? `${Math.round((bytes / 1024) * 10) / 10} KB` : `${bytes} bytes`;
}

export class FileTooLargeError extends Error {
  override readonly name = 'FileTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`File is larger than the upload limit of ${readableSize(maxBytes)} (MAX_UPLOAD_BYTES=${maxBytes})`);
  }
}

export interface StoredFile {
  /** SHA-256 of the content, hex. */
  key: string;
  size: number;
}

/**
 * Uploaded files on disk under the SHA-256 of their content: streamed in (never whole in memory), hashed on
 * the way, renamed into place when complete. The same content uploaded twice is stored once.
 */
export class FileStore {
  constructor(readonly root: string) {}

  pathOf(key: string): string {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`not a file key: ${key}`);
    return path.join(this.root, key.slice(0, 2), key);
  }

  async save(source: Readable, maxBytes: number): Promise<StoredFile> {
    await mkdir(path.join(this.root, 'incoming'), { recursive: true });
    const temporary = path.join(this.root, 'incoming', randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new FileTooLargeError(maxBytes));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(temporary));
      // A multipart stream that hit its own size limit ends early instead of failing.
      if ((source as Readable & { truncated?: boolean }).truncated) throw new FileTooLargeError(maxBytes);
      const key = hash.digest('hex');
      await mkdir(path.dirname(this.pathOf(key)), { recursive: true });
      await rename(temporary, this.pathOf(key));
      return { key, size };
    } catch (err) {
      await rm(temporary, { force: true });
      throw err;
    }
  }

  async size(key: string): Promise<number> {
    return (await stat(this.pathOf(key))).size;
  }
}
