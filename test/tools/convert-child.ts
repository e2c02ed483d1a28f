// Child process for convert-ts-robust.test.ts: runs convertPack with the JSON options
// in argv[2], prints one line per progress event and `result {json}` at the end.
import { convertPack } from '../../main/engine/model/convert';

const opts = JSON.parse(process.argv[2]);
const r = await convertPack({ ...opts, onProgress: (p) => process.stdout.write(`progress ${p.step} ${p.done} ${p.total}\n`) });
process.stdout.write(`result ${JSON.stringify(r)}\n`);
