// The folder rules of DEVELOPERS.md, held by scanning every import.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers/media';

const CODE = /\.(ts|mts|cts|js|mjs|cjs|svelte)$/;

function files(dir: string): string[] {
  const abs = join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name.startsWith('.')) return [];
    const rel = join(dir, e.name);
    return e.isDirectory() ? files(rel) : CODE.test(e.name) ? [rel] : [];
  });
}

/** Module specifiers a file imports: static, side-effect, re-export, dynamic import() and require(). */
export function importsOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    // a side-effect import starts its statement: not the method name 'crates:import' followed by its closing quote
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[1]);
  return out;
}

const isElectron = (s: string) => s === 'electron' || s.startsWith('electron/');
const builtins = new Set(builtinModules);
const isNodeBuiltin = (s: string) => s.startsWith('node:') || builtins.has(s) || builtins.has(s.split('/')[0]);
/** the repository path a relative import points at */
const target = (file: string, spec: string) => relative(ROOT, resolve(ROOT, dirname(file), spec)).split(sep).join('/');
const inside = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);
/** the contract's import name (tsconfig paths, Vite alias): every process imports it this way */
const CONTRACT = '@contract';

function violations(folder: string, rule: (spec: string, file: string) => string | null, skip: (f: string) => boolean = () => false): string[] {
  const found: string[] = [];
  for (const f of files(folder)) {
    if (skip(f)) continue;
    for (const spec of importsOf(readFileSync(join(ROOT, f), 'utf8'))) {
      const why = rule(spec, f);
      if (why) found.push(`${f}: imports '${spec}' (${why})`);
    }
  }
  return found;
}

describe('folder boundaries (DEVELOPERS.md)', () => {
  it('finds imports of every form', () => {
    const src = `import a from 'a';\nimport type { B } from "b";\nimport {\n  c,\n  d,\n} from './c';\nimport './side.css';\nexport * from '../e';\nconst f = await import('f');\nconst g = require('g');\n// import x from 'commented';\n/* import y from 'block'; */`;
    assert.deepEqual(importsOf(src).sort(), ['../e', './c', './side.css', 'a', 'b', 'f', 'g']);
  });

  it('main/engine and main/engine-host never import electron', () => {
    const bad = [...violations('main/engine', (s) => (isElectron(s) ? 'the engine is plain Node' : null)), ...violations('main/engine-host', (s) => (isElectron(s) ? 'the host runs under Node too' : null))];
    assert.deepEqual(bad, []);
  });

  it('main/engine/handlers binds the contract to engine services only (no other process, no electron)', () => {
    const bad = violations('main/engine/handlers', (s, f) => {
      if (s === CONTRACT || isNodeBuiltin(s)) return null;
      if (s.startsWith('.') && inside(target(f, s), 'main/engine')) return null;
      return 'a handler table maps methods onto engine services';
    });
    assert.deepEqual(bad, []);
  });

  it('the RPC is written once, in main/contract: no other file reads wire envelopes or mints call ids', () => {
    const patterns: Array<[RegExp, string]> = [
      [/\bfunction\s+newCallId\b/, 'defines newCallId'],
      [/\b(?:ToCallee|ToCaller|WireRequest|WireResponse)\.(?:safe)?[pP]arse\b/, 'parses wire envelopes'],
      [/\bfunction\s+(?:asStudioError|toErrorData)\b/, 'turns errors into error data'],
      [/Invalid arguments for \$\{/, 'writes the bad-arguments message'],
    ];
    const bad: string[] = [];
    for (const folder of ['main', 'preload', 'renderer/src']) {
      for (const f of files(folder)) {
        if (inside(f.split(sep).join('/'), 'main/contract')) continue;
        const code = readFileSync(join(ROOT, f), 'utf8');
        for (const [re, what] of patterns) if (re.test(code)) bad.push(`${f} ${what}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('main/contract imports only zod and its own files', () => {
    const bad = violations('main/contract', (s, f) => {
      if (s === 'zod' || s.startsWith('zod/')) return null;
      if (s.startsWith('.') && inside(target(f, s), 'main/contract')) return null;
      return 'the contract is shared by every process';
    });
    assert.deepEqual(bad, []);
  });

  it('renderer imports no Node, no electron, and nothing from main/ but the contract', () => {
    const bad = violations(
      'renderer',
      (s, f) => {
        if (s === CONTRACT) return null;
        if (isElectron(s)) return 'the renderer only knows window.studio';
        if (isNodeBuiltin(s)) return 'the renderer is sandboxed web code';
        if (s.startsWith('.') && inside(target(f, s), 'main') && !inside(target(f, s), 'main/contract')) return 'only main/contract is shared with the renderer';
        if (s.startsWith('.') && !inside(target(f, s), 'renderer') && !inside(target(f, s), 'main/contract')) return 'outside the renderer';
        return null;
      },
      // build configuration at the renderer's root runs in Node, not in the page
      (f) => /^renderer\/[^/]+\.config\.[cm]?[jt]s$/.test(f.split(sep).join('/')),
    );
    assert.deepEqual(bad, []);
  });

  it('renderer: views are leaves, shared never reaches into a view, lib is pure', () => {
    const R = 'renderer/src';
    const viewOf = (path: string) => (inside(path, `${R}/views`) ? path.split('/')[3] ?? null : null);
    const bad = violations(R, (s, f) => {
      if (!s.startsWith('.')) return null;
      const file = f.split(sep).join('/');
      const to = target(f, s);
      if (inside(file, `${R}/lib`) && !inside(to, `${R}/lib`)) return 'lib/ holds pure helpers: no state, no host, no components';
      if (inside(file, `${R}/shared`) && inside(to, `${R}/views`)) return 'shared/ serves every view and never depends on one';
      const from = viewOf(file);
      const into = viewOf(to);
      if (from && into && from !== into) return `views/${from} and views/${into} meet only in App.svelte and shared/`;
      return null;
    });
    assert.deepEqual(bad, []);
  });

  it('preload imports only electron and main/contract', () => {
    const bad = violations('preload', (s, f) => {
      if (s === 'electron' || s === CONTRACT) return null;
      if (s.startsWith('.') && inside(target(f, s), 'preload')) return null;
      return 'a sandboxed preload can only require electron';
    });
    assert.deepEqual(bad, []);
  });

  it('the contract is imported by its name, never by a relative path from outside it', () => {
    const bad: string[] = [];
    for (const folder of ['main', 'preload', 'renderer', 'test', 'tools']) {
      bad.push(...violations(folder, (s, f) => (s.startsWith('.') && inside(target(f, s), 'main/contract') && !inside(f.split(sep).join('/'), 'main/contract') ? `import it as '${CONTRACT}'` : null)));
    }
    assert.deepEqual(bad, []);
  });

  it('test/smoke holds no *.test.ts: the desktop smoke test (npm run smoke) is not part of npm test, where it could only skip', () => {
    const dir = join(ROOT, 'test', 'smoke');
    assert.ok(existsSync(dir));
    assert.deepEqual(files('test/smoke').filter((f) => f.endsWith('.test.ts')), []);
  });

  it('model/checkpoint and model/download are leaf libraries: node, their own files, their one npm package and (download) the fmtBytes of @contract (the one rule for a size shown) and makeDirs of engine/fs/paths.ts (plain Node: the one mkdir that cannot loop, and says which folder a read-only disk refuses)', () => {
    const leaves: Record<string, string[]> = { 'main/engine/model/checkpoint': ['yauzl'], 'main/engine/model/download': ['@contract'] };
    const bad: string[] = [];
    for (const [folder, packages] of Object.entries(leaves)) {
      bad.push(
        ...violations(folder, (s, f) => {
          if (isNodeBuiltin(s) || packages.includes(s)) return null;
          if (s.startsWith('.') && inside(target(f, s), folder)) return null;
          if (s.startsWith('.') && folder === 'main/engine/model/download' && target(f, s) === 'main/engine/fs/paths') return null;
          return 'the converter and the model service build on it, not the other way round';
        }),
      );
    }
    assert.deepEqual(bad, []);
  });

  it('model/convert (the in-engine converter) uses only node, model/checkpoint, model/pack.ts, @contract and its npm packages', () => {
    const packages = ['protobufjs', '@huggingface/tokenizers', '@contract'];
    const bad = violations('main/engine/model/convert', (s, f) => {
      if (isNodeBuiltin(s) || packages.includes(s)) return null;
      if (s.startsWith('.') && (inside(target(f, s), 'main/engine/model/convert') || inside(target(f, s), 'main/engine/model/checkpoint') || target(f, s) === 'main/engine/model/pack')) return null;
      return 'the converter reads checkpoints and writes packs; it does not reach into the rest of the engine';
    });
    assert.deepEqual(bad, []);
  });

  it('main/data-lock (the data folder\'s lock) uses node, @contract, proper-lockfile and makeDirs of engine/fs/paths.ts only: the hosts (engine-host, electron, cli) take it without the engine', () => {
    const bad = violations('main/data-lock', (s, f) => {
      if (isNodeBuiltin(s) || s === CONTRACT || s === 'proper-lockfile') return null;
      if (s.startsWith('.') && (inside(target(f, s), 'main/data-lock') || target(f, s) === 'main/engine/fs/paths')) return null;
      return 'the lock is a leaf the process hosts share';
    });
    assert.deepEqual(bad, []);
  });

  it('model/catalog (getting the model) uses node, @contract, model/download, model/pack.ts, the settings table, data-lock/owner.ts, makeDirs of engine/fs/paths.ts and the state stamper (engine/state-order.ts); the converter is passed in, never imported', () => {
    const allowed = (t: string) =>
      inside(t, 'main/engine/model/catalog') || inside(t, 'main/engine/model/download') || t === 'main/engine/model/pack' || t === 'main/engine/db/settings' || t === 'main/engine/context' || t === 'main/data-lock/owner' || t === 'main/engine/fs/paths' || t === 'main/engine/state-order';
    const bad = violations('main/engine/model/catalog', (s, f) => {
      if (isNodeBuiltin(s) || s === '@contract') return null;
      if (s.startsWith('.') && allowed(target(f, s))) return null;
      return 'the catalogue plans, downloads and hands over to the converter it is given (handlers/index.ts wires convertPack)';
    });
    assert.deepEqual(bad, []);
  });

  it('SQL lives only in main/engine/db: no other file imports better-sqlite3 or prepares, execs or pragmas SQL', () => {
    const bad: string[] = [];
    bad.push(...violations('main', (s, f) => (s === 'better-sqlite3' && !inside(f.split(sep).join('/'), 'main/engine/db') ? 'the database is reached through main/engine/db' : null)));
    for (const f of files('main')) {
      if (inside(f.split(sep).join('/'), 'main/engine/db')) continue;
      const code = readFileSync(join(ROOT, f), 'utf8');
      for (const m of code.matchAll(/\.(prepare|exec|pragma)\(\s*[`'"]/g)) bad.push(`${f}: .${m[1]}( with SQL (move it into a repository of main/engine/db)`);
    }
    assert.deepEqual(bad, []);
  });

  it('packages that analysis never uses are loaded where they are used, not at start: no static value import of the model runtime, protobufjs, taglib, tokenizers or yauzl in main/, nor of ws or file-type on the CLI side (issue 11, studio analyze start-up)', () => {
    const lazy = new Set(['onnxruntime-node', 'protobufjs', 'node-taglib-sharp', '@huggingface/tokenizers', 'yauzl']);
    const cliSide = (f: string) => ['main/cli', 'main/serve', 'main/media-server'].some((d) => inside(f.split(sep).join('/'), d));
    const bad: string[] = [];
    for (const f of files('main')) {
      const code = readFileSync(join(ROOT, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      for (const m of code.matchAll(/^\s*import\s+(?!type\b)[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm)) {
        const spec = m[1];
        if (lazy.has(spec) || (cliSide(f) && (spec === 'ws' || spec === 'file-type'))) bad.push(`${f}: imports '${spec}' at start (use import type + createRequire or import() where it is used)`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('the product never imports the evaluation tooling (tools/eval) or test code', () => {
    const bad: string[] = [];
    for (const folder of ['main', 'preload', 'renderer', 'bin']) {
      bad.push(...violations(folder, (s, f) => (s.startsWith('.') && (inside(target(f, s), 'tools') || inside(target(f, s), 'test')) ? 'tools/ and test/ are not shipped' : null)));
    }
    assert.deepEqual(bad, []);
  });

  it('main/electron takes from main/engine only fs/paths.ts (plain Node: no native module of the engine enters the Electron main process), and makes folders with its makeDirs()', () => {
    const bad = violations('main/electron', (s, f) => (s.startsWith('.') && inside(target(f, s), 'main/engine') && target(f, s) !== 'main/engine/fs/paths' ? 'only main/engine/fs/paths.ts (makeDirs, isInside)' : null));
    for (const f of files('main/electron')) {
      const code = readFileSync(join(ROOT, f), 'utf8');
      if (/mkdir(?:Sync)?\([^)]*recursive:\s*true/.test(code)) bad.push(`${f}: recursive mkdir (it can loop forever, see fs/paths.ts makeDirs(); use makeDirs())`);
    }
    assert.deepEqual(bad, []);
  });

  it('only main/electron/index.ts imports electron; nothing else reaches into main/electron', () => {
    const bad: string[] = [];
    for (const folder of ['main', 'bin', 'tools']) {
      bad.push(
        ...violations(folder, (s, f) => {
          const file = f.split(sep).join('/');
          if (isElectron(s) && file !== 'main/electron/index.ts') return 'Electron parts are passed in; index.ts wires them';
          if (s.startsWith('.') && inside(target(f, s), 'main/electron') && !inside(file, 'main/electron')) return 'the shell is a leaf';
          return null;
        }),
      );
    }
    assert.deepEqual(bad, []);
  });
});
