import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT } from '../helpers/media';

const require = createRequire(import.meta.url);
const electronPkg = dirname(require.resolve('electron/package.json'));
const { version } = JSON.parse(readFileSync(join(electronPkg, 'package.json'), 'utf8')) as { version: string };

/**
 * A checkout of its own for `npm start`'s launcher: tools/start-electron.mjs and
 * a copy of the electron package *without* its binary (whatever this machine
 * has installed), whose installer's own dependencies (@electron/get,
 * extract-zip) are the real ones. The launcher and Electron's installer run
 * unchanged; only where they download from differs (ELECTRON_MIRROR, a real
 * setting of @electron/get), so the test means the same with or without
 * network access and never touches node_modules.
 */
function sandbox(): string {
  const dir = mkdtempSync(join(tmpdir(), 'studio-start-electron-'));
  mkdirSync(join(dir, 'tools'));
  cpSync(join(ROOT, 'tools', 'start-electron.mjs'), join(dir, 'tools', 'start-electron.mjs'));
  const copy = join(dir, 'node_modules', 'electron');
  cpSync(electronPkg, copy, {
    recursive: true,
    filter: (src) => !['dist', 'path.txt'].includes(basename(src)) || dirname(src) !== electronPkg,
  });
  for (const dep of ['@electron', 'extract-zip']) symlinkSync(join(ROOT, 'node_modules', dep), join(dir, 'node_modules', dep), 'junction');
  return dir;
}

function run(dir: string, env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; out: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(electron_|npm_config_electron|ELECTRON_)/i.test(k)));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(dir, 'tools', 'start-electron.mjs'), ...args], {
      cwd: dir,
      env: { ...clean, electron_config_cache: join(dir, 'cache'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)));
}

describe('npm start fetches Electron when its binary is missing (tools/start-electron.mjs)', { timeout: 60_000 }, () => {
  const dirs: string[] = [];
  const servers: Server[] = [];
  after(() => {
    for (const s of servers) s.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('without network access it runs Electron\'s installer, then says plainly what failed and what works instead', async () => {
    const dir = sandbox();
    dirs.push(dir);
    // a port nobody listens on: the download fails the way an offline machine's does (connection refused)
    const closed = createServer();
    const url = await listen(closed);
    await new Promise((r) => closed.close(r));
    const { code, out } = await run(dir, { ELECTRON_MIRROR: url });
    assert.equal(code, 1, out);
    assert.match(out, new RegExp(`Downloading Electron ${version.replace(/\./g, '\\.')} for ${process.platform}-${process.arch}`));
    assert.match(out, new RegExp(`Could not download Electron ${version.replace(/\./g, '\\.')}: .*ECONNREFUSED`));
    assert.match(out, /needs internet access/);
    assert.match(out, /npm run serve/);
    assert.doesNotMatch(out, /^\s+at /m, 'no stack trace');
    assert.equal(existsSync(join(dir, 'node_modules', 'electron', 'path.txt')), false);
  });

  it('a download that does not match the checksums Electron ships is refused, not launched', async () => {
    const dir = sandbox();
    dirs.push(dir);
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/zip' }).end(Buffer.from('PK\x03\x04 not Electron'));
    });
    servers.push(server);
    const { code, out } = await run(dir, { ELECTRON_MIRROR: await listen(server) });
    assert.equal(code, 1, out);
    assert.ok(requests.some((u) => u.endsWith(`electron-v${version}-${process.platform}-${process.arch}.zip`)), requests.join(', '));
    assert.match(out, /Could not download Electron .*(checksum|match)/i);
    assert.equal(existsSync(join(dir, 'node_modules', 'electron', 'path.txt')), false);
  });

  it('with a reachable release server it installs the binary once and starts the app with it', { skip: process.platform === 'win32' && 'the stand-in binary is a shell script' }, async () => {
    const dir = sandbox();
    dirs.push(dir);
    // a release in Electron's layout whose "binary" prints its arguments
    const AdmZip = require('adm-zip') as new () => { addFile(name: string, data: Buffer, comment: string, attr: number): void; toBuffer(): Buffer };
    const exe = process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
    const zip = new AdmZip();
    zip.addFile(exe, Buffer.from('#!/bin/sh\necho "electron started with: $*"\nexit 7\n'), '', 0o755);
    zip.addFile('version', Buffer.from(`v${version}`), '', 0o644);
    const body = zip.toBuffer();
    const name = `electron-v${version}-${process.platform}-${process.arch}.zip`;
    const sums = `${createHash('sha256').update(body).digest('hex')} *${name}\n`;
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url?.endsWith(`/${name}`)) res.writeHead(200).end(body);
      else if (req.url?.endsWith('/SHASUMS256.txt')) res.writeHead(200).end(sums);
      else res.writeHead(404).end();
    });
    servers.push(server);
    const env = { ELECTRON_MIRROR: await listen(server), electron_use_remote_checksums: '1' };
    const first = await run(dir, env, ['--some-flag']);
    assert.equal(first.code, 7, first.out);
    assert.match(first.out, /Downloading Electron/);
    assert.match(first.out, new RegExp(`Electron ${version.replace(/\./g, '\\.')} installed`));
    assert.match(first.out, new RegExp(`electron started with: ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/? --some-flag`));
    assert.equal(readFileSync(join(dir, 'node_modules', 'electron', 'path.txt'), 'utf8'), exe);
    const downloads = requests.length;

    // the second start downloads nothing
    const second = await run(dir, env);
    assert.equal(second.code, 7, second.out);
    assert.doesNotMatch(second.out, /Downloading/);
    assert.equal(requests.length, downloads);
  });
});
