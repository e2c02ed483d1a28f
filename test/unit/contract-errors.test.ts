// speed37: errors.ts reads error data without zod (so the analysis worker threads, which import StudioError and
// toErrorData, load no zod and build no schemas at their start). Its reading must be the schema's: StudioErrorData
// (error-schemas.ts, zod 4) is the oracle here, on the values that cross a process boundary and the odd ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CODES, ErrorCode, StudioError, StudioErrorData, isStudioErrorData, toErrorData } from '@contract';

class Coded extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
  }
}
const proto = Object.create({ code: 'NOT_FOUND', message: 'inherited', detail: 'from the prototype' });

const values: unknown[] = [
  null, undefined, 0, 1, '', 'NOT_FOUND', true, Symbol('x'), () => 1, [], ['NOT_FOUND', 'x'], {},
  { code: 'NOT_FOUND', message: 'gone' },
  { code: 'NOT_FOUND', message: 'gone', detail: 'ENOENT' },
  { code: 'NOT_FOUND', message: 'gone', detail: undefined },
  { code: 'NOT_FOUND', message: 'gone', detail: null },
  { code: 'NOT_FOUND', message: 'gone', detail: 3 },
  { code: 'NOT_FOUND', message: 'gone', extra: 1, detail: 'd' },
  { message: 'gone', code: 'INTERNAL' },
  { code: 'ENOENT', message: 'gone' },
  { code: 'not_found', message: 'gone' },
  { code: 'NOT_FOUND' },
  { code: 'NOT_FOUND', message: 7 },
  { code: 'NOT_FOUND', message: new String('boxed') },
  { code: ['NOT_FOUND'], message: 'gone' },
  { code: 'toString', message: 'an Object.prototype name' },
  { code: '__proto__', message: 'x' },
  new Coded('NOT_FOUND', 'an Error with a code'),
  new Coded('NOT_FOUND', 'an Error with a code and detail', 'd'),
  new Coded('NOT_FOUND', 'an Error with a bad detail', 5),
  new Coded('ENOENT', 'a node fs error'),
  new Error('plain'),
  Object.assign(Object.create(null), { code: 'CANCELLED', message: 'no prototype' }),
  proto,
  Object.assign(Object.create(proto), { message: 'own message' }),
  new Map([['code', 'NOT_FOUND']]),
  new Date(0),
  ...ERROR_CODES.map((code) => ({ code, message: `m ${code}` })),
];

test('toErrorData and isStudioErrorData read a value as StudioErrorData.safeParse does (zod 4), without zod', () => {
  for (const v of values) {
    const parsed = StudioErrorData.safeParse(v);
    const label = typeof v === 'symbol' ? 'a symbol' : typeof v === 'function' ? 'a function' : JSON.stringify(v) ?? String(v);
    assert.equal(isStudioErrorData(v), parsed.success, `isStudioErrorData(${label})`);
    const data = toErrorData(v);
    if (parsed.success) {
      assert.deepStrictEqual(data, parsed.data, `toErrorData(${label})`);
      assert.deepStrictEqual(Object.keys(data), Object.keys(parsed.data), `toErrorData(${label}): its keys in the schema's order`);
    } else {
      assert.equal(data.code, 'INTERNAL', `toErrorData(${label})`);
      assert.match(data.message, /^Unexpected error: /);
    }
  }
});

test('the zod ErrorCode is the code list errors.ts checks against; a StudioError crosses as its own data', () => {
  assert.deepStrictEqual(ErrorCode.options, [...ERROR_CODES]);
  assert.deepStrictEqual(toErrorData(new StudioError('DECODE_FAILED', 'broken', 'at 3 s')), { code: 'DECODE_FAILED', message: 'broken', detail: 'at 3 s' });
  assert.deepStrictEqual(toErrorData(new StudioError('NOT_FOUND', 'gone')), { code: 'NOT_FOUND', message: 'gone' });
});
