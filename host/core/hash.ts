import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Streams the file so multi-GB stacks are hashed without loading them twice. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const h = createHash('sha256');
    createReadStream(path).on('data', (c) => h.update(c)).on('error', reject).on('end', () => resolvePromise(h.digest('hex')));
  });
}
