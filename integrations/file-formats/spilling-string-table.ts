import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * An append-only table of strings looked up by index (an XLSX shared-strings table, which a worksheet refers to
 * at random). The first `memoryBudgetBytes` of text stay in memory; the rest goes to a temporary file, with
 * 8 bytes of offset per string in memory. So memory stays bounded however many distinct strings a workbook has.
 */
export class SpillingStringTable {
  private readonly inMemory: string[] = [];
  private memoryBytes = 0;
  private file: { dir: string; fd: number; size: number } | undefined;
  /** For spilled strings: start offset of string i at [2i], byte length at [2i + 1]. */
  private spilled = new Float64Array(0);
  private spilledCount = 0;
  private readBuffer = Buffer.alloc(4096);

  constructor(private readonly memoryBudgetBytes = 32 * 1024 * 1024) {}

  get length(): number {
    return this.inMemory.length + this.spilledCount;
  }

  push(text: string): void {
    if (!this.file && this.memoryBytes + text.length * 2 <= this.memoryBudgetBytes) {
      this.inMemory.push(text);
      this.memoryBytes += text.length * 2;
      return;
    }
    if (!this.file) {
      const dir = mkdtempSync(path.join(tmpdir(), 'xlsx-strings-'));
      this.file = { dir, fd: openSync(path.join(dir, 'strings'), 'w+'), size: 0 };
    }
    const bytes = Buffer.from(text, 'utf8');
    writeSync(this.file.fd, bytes, 0, bytes.length, this.file.size);
    if (this.spilled.length < (this.spilledCount + 1) * 2) {
      const grown = new Float64Array(Math.max(1024, this.spilled.length * 2));
      grown.set(this.spilled);
      this.spilled = grown;
    }
    this.spilled[this.spilledCount * 2] = this.file.size;
    this.spilled[this.spilledCount * 2 + 1] = bytes.length;
    this.spilledCount += 1;
    this.file.size += bytes.length;
  }

  get(index: number): string | undefined {
    if (index < this.inMemory.length) return this.inMemory[index];
    const i = index - this.inMemory.length;
    if (!this.file || i >= this.spilledCount) return undefined;
    const [offset, length] = [this.spilled[i * 2]!, this.spilled[i * 2 + 1]!];
    if (this.readBuffer.length < length) this.readBuffer = Buffer.alloc(length * 2);
    readSync(this.file.fd, this.readBuffer, 0, length, offset);
    return this.readBuffer.toString('utf8', 0, length);
  }

  close(): void {
    if (!this.file) return;
    closeSync(this.file.fd);
    rmSync(this.file.dir, { recursive: true, force: true });
    this.file = undefined;
  }
}
