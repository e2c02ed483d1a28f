// Child process for the kill test (download.test.ts): downloads argv[2] to argv[3] with the
// expected SHA-256 argv[4] and size argv[5]; prints progress lines, then the result as JSON.
import { download } from '../../main/engine/model/download/index';

const [url, dest, sha256, size] = process.argv.slice(2);
const r = await download({
  url, dest, expected: { sha256, size: Number(size) }, backoffMs: 20, reserveBytes: 0, progressIntervalMs: 20,
  onProgress: (p) => process.stdout.write(`progress ${p.bytes}\n`),
});
process.stdout.write(`result ${JSON.stringify(r)}\n`);
