// Web mode's allowed folders (issue 15 item 4): real paths, the default of
// `studio serve`, and library folders that count as roots when they are read.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { guardPaths, parseRootsSetting, Roots, serveRootsSetting, TRACK_METHODS } from '../../main/engine/fs/roots';

const dir = mkdtempSync(join(tmpdir(), 'rs-roots-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('serve default: $XDG_MUSIC_DIR (else ~/Music) plus the library folders; --root replaces both', () => {
  assert.deepEqual(serveRootsSetting([], {}, '/home/u', '/cwd'), { dirs: ['/home/u/Music'], libraryFolders: true });
  assert.deepEqual(serveRootsSetting([], { XDG_MUSIC_DIR: '/data/music' }, '/home/u', '/cwd'), { dirs: ['/data/music'], libraryFolders: true });
  assert.deepEqual(serveRootsSetting([], { XDG_MUSIC_DIR: 'relative' }, '/home/u', '/cwd'), { dirs: ['/home/u/Music'], libraryFolders: true });
  assert.deepEqual(serveRootsSetting(['a', '/b'], { XDG_MUSIC_DIR: '/data/music' }, '/home/u', '/cwd'), { dirs: ['/cwd/a', '/b'], libraryFolders: false });
});

test('STUDIO_ROOTS: unset means no limit; relative folders are a host bug', () => {
  assert.equal(parseRootsSetting(undefined), undefined);
  assert.deepEqual(parseRootsSetting('{"dirs":["/m"],"libraryFolders":true}'), { dirs: ['/m'], libraryFolders: true });
  assert.throws(() => parseRootsSetting('{"dirs":["m"]}'), /absolute/);
});

test('library folders count only when the setting says so, and as they are when checked', async () => {
  const music = join(dir, 'music');
  const lib = join(dir, 'lib');
  mkdirSync(music);
  mkdirSync(lib);
  writeFileSync(join(lib, 'a.mp3'), 'x');
  const folders: string[] = [];
  const withLib = new Roots({ dirs: [music], libraryFolders: true }, () => folders);
  const without = new Roots({ dirs: [music], libraryFolders: false }, () => folders);
  assert.equal(await withLib.allows(join(lib, 'a.mp3')), false);
  folders.push(lib);
  assert.equal(await withLib.allows(join(lib, 'a.mp3')), true);
  assert.equal(await without.allows(join(lib, 'a.mp3')), false);
  await assert.rejects(without.check(join(lib, 'a.mp3'), 'open'), (e: { code: string; message: string }) => e.code === 'FORBIDDEN' && /--root DIR/.test(e.message));
});

test('real paths: a root given through a symlink still holds its files; a link out of a root does not; a missing path is judged by its parent', async () => {
  const real = join(dir, 'real');
  const out = join(dir, 'out');
  mkdirSync(real);
  mkdirSync(out);
  writeFileSync(join(real, 'a.mp3'), 'x');
  writeFileSync(join(out, 'b.mp3'), 'x');
  symlinkSync(real, join(dir, 'alias'));
  symlinkSync(join(out, 'b.mp3'), join(real, 'b.mp3'));
  const roots = new Roots({ dirs: [join(dir, 'alias')], libraryFolders: false }, () => []);
  assert.equal(await roots.allows(join(real, 'a.mp3')), true);
  assert.equal(await roots.allows(join(dir, 'alias', 'a.mp3')), true);
  assert.equal(await roots.allows(join(real, 'b.mp3')), false);
  assert.equal(await roots.allows(join(real, 'new', 'c.mp3')), true);
  assert.equal(await roots.allows(join(out, 'missing.mp3')), false);
  assert.equal(await roots.allows('relative/a.mp3'), false);
});

test('every method taking a trackId is guarded, read from the contract (wave-range, chat:stop and chat:clear-thread were once missed by a hand-kept list)', () => {
  for (const m of ['media:get-track', 'media:peaks', 'media:wave-range', 'media:filmstrip', 'library:track-detail', 'chat:ask', 'chat:stop', 'chat:clear-thread'] as const) {
    assert.ok(TRACK_METHODS.includes(m), `${m} must be in TRACK_METHODS`);
  }
  assert.ok(!TRACK_METHODS.includes('media:open'), 'media:open takes a path, not a trackId');
  assert.ok(!TRACK_METHODS.includes('app:get-info'));
});

test('getting the model in web mode: the folders pointed to and the converter’s inputs and output must be inside the roots', async () => {
  const root = join(dir, 'models-root');
  mkdirSync(root, { recursive: true });
  const calls: string[] = [];
  const ok = (name: string) => async () => (calls.push(name), null);
  const h = guardPaths({ 'model:get': ok('get'), 'model:convert': ok('convert'), 'model:verify-pack': ok('verify'), 'model:catalog': ok('catalog') } as never, new Roots({ dirs: [root], libraryFolders: false }, () => []), () => undefined);
  const call = (m: string, a: object) => (h as Record<string, (a: object, c: object) => Promise<unknown>>)[m](a, {});
  await call('model:get', { variant: 'beta', llama: join(root, 'llama') });
  await assert.rejects(call('model:get', { variant: 'beta', llama: '/etc' }), /Web mode may only read models from files inside its allowed folders/);
  await assert.rejects(call('model:catalog', { from: '/etc' }), /FORBIDDEN|allowed folders/);
  await assert.rejects(call('model:verify-pack', { path: '/etc' }), /allowed folders/);
  const conv = { imagebind: join(root, 'ib.pth'), llm: join(root, 'llm'), delta: join(root, 'd.pt'), out: join(root, 'pack') };
  await call('model:convert', conv);
  await assert.rejects(call('model:convert', { ...conv, out: '/tmp/elsewhere-pack' }), /may only convert/);
  assert.deepEqual(calls, ['get', 'convert']);
});

test('library rows in SQL: prefixes hold each root as given and real, and each library folder (as stored) inside a root; a sibling with a common name prefix is not under one', async () => {
  const real = join(dir, 'pfx-real');
  mkdirSync(join(real, 'lib'), { recursive: true });
  mkdirSync(join(dir, 'pfx-real-not'), { recursive: true });
  symlinkSync(real, join(dir, 'pfx-alias'));
  symlinkSync(join(real, 'lib'), join(dir, 'lib-alias'));
  const roots = new Roots({ dirs: [join(dir, 'pfx-alias')], libraryFolders: false }, () => []);
  const p = await roots.prefixes([join(dir, 'lib-alias'), join(dir, 'pfx-real-not')]);
  assert.deepEqual(new Set(p), new Set([join(dir, 'pfx-alias') + '/', real + '/', join(dir, 'lib-alias') + '/']));
  assert.ok(!p.some((x) => (join(dir, 'pfx-real-not', 'a.mp3')).startsWith(x)));
});

test('guard scope: library query/ids/export get the prefixes; folders outside are hidden and not scanned; a remembered pack outside the roots is refused where it would load', async () => {
  const root = join(dir, 'scope-root');
  const out = join(dir, 'scope-out');
  mkdirSync(root);
  mkdirSync(out);
  const folders = [{ id: 'in', path: join(root, 'lib') }, { id: 'out', path: out }];
  let pack: string | null = join(out, 'pack');
  const seen: unknown[] = [];
  const ok = (name: string) => async (a: unknown) => (seen.push([name, a]), name === 'library:list-folders' ? folders : null);
  const h = guardPaths(
    { 'library:list-folders': ok('library:list-folders'), 'library:scan': ok('library:scan'), 'chat:ask': ok('chat:ask'), 'chat:regenerate': ok('chat:regenerate'), 'model:set-provider': ok('model:set-provider'), 'library:query': ok('q'), 'library:ids': ok('i'), 'library:export': ok('e') } as never,
    new Roots({ dirs: [root], libraryFolders: false }, () => []),
    () => undefined,
    {
      library: { folders: () => folders, query: (_a, under) => (seen.push(['query', under]), { total: 0, rows: [] }), ids: (_a, under) => (seen.push(['ids', under]), { total: 0, ids: [] }), export: async (_a, under) => (seen.push(['export', under]), { fileName: '', mime: '', content: '', count: 0 }) },
      packPath: () => pack,
    },
  );
  const call = (m: string, a: object) => (h as Record<string, (a: object, c: object) => Promise<unknown>>)[m](a, {});
  assert.deepEqual(await call('library:list-folders', {}), [folders[0]]);
  await assert.rejects(call('library:scan', { folderId: 'out' }), /may only scan/);
  await call('library:scan', { folderId: 'in' });
  // scan all: the folders inside the roots, each by id; none outside
  seen.length = 0;
  await call('library:scan', {});
  assert.deepEqual(seen, [['library:scan', { folderId: 'in' }]]);
  await call('library:query', { offset: 0, limit: 10 });
  await call('library:ids', {});
  await call('library:export', { format: 'csv' });
  const prefixes = [root + '/', join(root, 'lib') + '/'];
  assert.deepEqual(seen.filter((s) => ['query', 'ids', 'export'].includes((s as string[])[0])), [['query', prefixes], ['ids', prefixes], ['export', prefixes]]);
  for (const m of ['chat:ask', 'chat:regenerate', 'model:set-provider']) {
    await assert.rejects(call(m, { trackId: 'x', attachments: { image: null } }), (e: { code: string; message: string }) => e.code === 'FORBIDDEN' && /Choose a model pack inside them/.test(e.message) && /--root DIR/.test(e.message));
  }
  pack = join(root, 'pack');
  await call('model:set-provider', { provider: 'cpu' });
  pack = null;
  await call('chat:regenerate', { trackId: 'x' });
});

test('library:tag-plan (trackIds, not one trackId) sees only tracks inside the roots: one outside is refused as write-tags would refuse it, and its file never reaches the plan', async () => {
  const [root, out] = [join(dir, 'plan-root'), join(dir, 'plan-out')];
  const files: Record<string, string> = { inTrack001: join(root, 'in.mp3'), outTrack01: join(out, 'out.mp3') };
  for (const f of Object.values(files)) {
    mkdirSync(join(f, '..'));
    writeFileSync(f, 'x');
  }
  const asked: string[][] = [];
  const replaced = { bpm: '96', key: '8A' };
  const plan = async (a: { trackIds: string[] }) => (
    asked.push(a.trackIds),
    {
      writable: a.trackIds.filter((id) => files[id]),
      refused: a.trackIds.filter((id) => !files[id]).map((trackId) => ({ trackId, fileName: '', reason: 'unknown' })),
      replaces: a.trackIds.filter((id) => files[id]).map((trackId) => ({ trackId, fileName: 'in.mp3', replaced })),
    }
  );
  const h = guardPaths({ 'library:tag-plan': plan } as never, new Roots({ dirs: [root], libraryFolders: false }, () => []), (id) => (files[id] ? { path: files[id], coverPath: null } : undefined));
  const call = (a: object) => (h as unknown as Record<string, (a: object, c: object) => Promise<{ writable: string[]; refused: { trackId: string; reason: string }[]; replaces?: unknown }>>)['library:tag-plan'](a, {});
  const res = await call({ trackIds: ['outTrack01', 'inTrack001', 'unknownId1'] });
  assert.deepEqual(asked, [['inTrack001', 'unknownId1']], 'the track outside is not planned');
  assert.deepEqual(res.writable, ['inTrack001']);
  assert.deepEqual(res.refused.map((r) => r.trackId), ['outTrack01', 'unknownId1'], "in the selection's order");
  assert.match(res.refused[0].reason, /^Web mode may only use files inside its allowed folders .*"[^"]*out\.mp3" is outside them/);
  // dj36: what a write would replace (another program's tags) goes through to the page as planned
  assert.deepEqual(res.replaces, [{ trackId: 'inTrack001', fileName: 'in.mp3', replaced }]);
});
