// The GitHub Actions workflows cannot run here; what can be checked is checked:
// each file against SchemaStore's github-workflow JSON schema (as bundled by
// @action-validator/core), and what the release pipeline must do.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ROOT } from '../helpers/media';

const require = createRequire(import.meta.url);
const { validateWorkflow } = require('@action-validator/core') as typeof import('@action-validator/core');
const semver = require('semver') as { minVersion(range: string): { major: number } | null };

const DIR = join(ROOT, '.github', 'workflows');
const text = (name: string) => readFileSync(join(DIR, name), 'utf8');
type Step = { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = { 'runs-on'?: string; container?: string; uses?: string; needs?: string | string[]; steps?: Step[]; strategy?: { matrix: { include: Record<string, string>[] } }; if?: string; permissions?: Record<string, string> };
const workflow = (name: string) => parse(text(name)) as { on: Record<string, unknown>; jobs: Record<string, Job> };
const runs = (job: Job) => (job.steps ?? []).map((s) => s.run ?? '').join('\n');

describe('GitHub workflows (.github/workflows)', () => {
  const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));

  it('are valid against the github-workflow schema', () => {
    assert.deepEqual(files.sort(), ['ci.yml', 'release.yml']);
    for (const f of files) {
      const { errors } = validateWorkflow(text(f));
      assert.deepEqual(errors, [], `${f}: ${JSON.stringify(errors, null, 2)}`);
    }
  });

  it('the schema check does catch mistakes', () => {
    const typo = text('release.yml').replace('runs-on: ${{ matrix.os }}', 'run-on: ${{ matrix.os }}');
    assert.notEqual(typo, text('release.yml'));
    assert.ok(validateWorkflow(typo).errors.length > 0);
    const badTrigger = text('ci.yml').replace('pull_request:', 'pull_requests:');
    assert.ok(validateWorkflow(badTrigger).errors.length > 0);
  });

  it('use Node 22 everywhere (electron-builder rebuilds native modules with @electron/rebuild, which needs Node >= 22.12)', () => {
    const rebuild = JSON.parse(readFileSync(join(ROOT, 'node_modules', '@electron', 'rebuild', 'package.json'), 'utf8')) as { engines: { node: string } };
    assert.equal(semver.minVersion(rebuild.engines.node)?.major, 22, `@electron/rebuild needs ${rebuild.engines.node}`);
    for (const f of files) {
      const setups = Object.values(workflow(f).jobs).flatMap((j) => (j.steps ?? []).filter((s) => s.uses?.startsWith('actions/setup-node@')));
      for (const s of setups) assert.equal(String(s.with?.['node-version']), '22', f);
    }
  });

  it('every job installs npm 11 before npm ci: allowScripts keeps onnxruntime\'s CUDA download (linux/x64 default) out of the installers', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { allowScripts: Record<string, boolean> };
    assert.equal(pkg.allowScripts['onnxruntime-node'], false);
    for (const f of files) {
      for (const [name, job] of Object.entries(workflow(f).jobs)) {
        const steps = job.steps ?? [];
        const install = steps.findIndex((s) => /(^|\n)(npm ci|bash \.ci\/run)\b/.test(s.run ?? ''));
        if (install < 0) continue;
        const npm11 = steps.findIndex((s) => /npm install --global npm@11/.test(s.run ?? ''));
        assert.ok(npm11 >= 0 && npm11 < install, `${f} ${name}: npm 11 before npm ci`);
      }
    }
  });

  it('CI runs the whole suite on Linux the way .ci/run does, and the platform-dependent tests on Windows and macOS', () => {
    const ci = workflow('ci.yml');
    assert.ok('pull_request' in ci.on && 'workflow_call' in ci.on);
    assert.match(ci.jobs.linux.container ?? '', /^debian:12/);
    assert.match(runs(ci.jobs.linux), /^bash \.ci\/run$/m);
    assert.ok(existsSync(join(ROOT, '.ci', 'run')));
    const oses = ci.jobs.platforms.strategy!.matrix.include.map((m) => m.os);
    assert.ok(oses.some((o) => o.startsWith('windows')) && oses.some((o) => o.startsWith('macos')), oses.join());
    const r = runs(ci.jobs.platforms);
    for (const cmd of ['npm ci', 'npm run build', 'npm run typecheck', 'node tools/run-tests.mjs test/unit test/integration', 'node node_modules/ffmpeg-static/install.js']) assert.ok(r.includes(cmd), cmd);
    for (const dir of ['test/unit', 'test/integration']) assert.ok(existsSync(join(ROOT, dir)));
  });

  it('Release: tests first, then per platform npm ci → npm run dist → the smoke test of the packaged app → sums → artifacts', () => {
    const rel = workflow('release.yml');
    assert.ok('push' in rel.on && 'workflow_dispatch' in rel.on);
    assert.equal(rel.jobs.test.uses, './.github/workflows/ci.yml');
    const pkg = rel.jobs.package;
    assert.equal(pkg.needs, 'test');
    const oses = pkg.strategy!.matrix.include.map((m) => m.os);
    for (const os of ['ubuntu', 'windows', 'macos']) assert.ok(oses.some((o) => o.startsWith(os)), `${os} in the matrix`);
    const steps = pkg.steps!;
    const at = (re: RegExp) => {
      const i = steps.findIndex((s) => re.test(s.run ?? ''));
      assert.ok(i >= 0, `a step runs ${re}`);
      return i;
    };
    const order = [at(/^npm ci$/m), at(/ffmpeg-static\/install\.js/), at(/npm run dist/), at(/npm run smoke/), at(/shasum -a 256/)];
    assert.deepEqual([...order].sort((a, b) => a - b), order, 'in this order');
    const smoke = steps[at(/npm run smoke/)];
    assert.equal(smoke.env?.STUDIO_SMOKE_APP, 'dist');
    assert.equal(smoke.env?.STUDIO_SMOKE_REQUIRED, '1', 'a missing app fails the release instead of skipping');
    assert.match(smoke.run!, /xvfb-run .*npm run smoke/);
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    assert.match(scripts.smoke, /test\/smoke\/desktop\.smoke\.ts/);
    assert.ok(existsSync(join(ROOT, 'test', 'smoke', 'desktop.smoke.ts')));
    assert.match(scripts.dist, /electron-builder --config electron-builder\.yml/);

    // installers and their sums are kept; the smoke test's screenshots too, even when it fails
    const uploads = steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@'));
    const kept = uploads.map((s) => String(s.with?.path)).join('\n');
    for (const p of ['dist/*.AppImage', 'dist/*.deb', 'dist/*.exe', 'dist/*.dmg', 'dist/SHA256SUMS-*.txt', 'test/output/screenshots/smoke-*.png']) assert.ok(kept.includes(p), p);
    assert.equal(uploads.find((s) => String(s.with?.path).includes('smoke-'))?.if, 'always()');
    const installers = pkg.strategy!.matrix.include.map((m) => m.installers).join(' ');
    for (const ext of ['AppImage', 'deb', 'exe', 'dmg']) assert.ok(installers.includes(`dist/*.${ext}`), ext);
  });

  it('Release: signing and notarisation steps use secrets and go on unsigned (with a notice) without them', () => {
    const steps = workflow('release.yml').jobs.package.steps!;
    const mac = steps.find((s) => /macOS/.test(s.name ?? '') && /sign/i.test(s.name ?? ''))!;
    const win = steps.find((s) => /Windows/.test(s.name ?? '') && /sign/i.test(s.name ?? ''))!;
    assert.equal(mac.if, "runner.os == 'macOS'");
    assert.equal(win.if, "runner.os == 'Windows'");
    for (const [step, secrets] of [
      [mac, ['MAC_CSC_LINK', 'MAC_CSC_KEY_PASSWORD', 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID']],
      [win, ['WIN_CSC_LINK', 'WIN_CSC_KEY_PASSWORD']],
    ] as const) {
      for (const s of secrets) assert.equal(step.env?.[s], `\${{ secrets.${s} }}`);
      assert.match(step.run!, /if \[ -z "\$(MAC|WIN)_CSC_LINK" \]; then\n\s+echo "::notice/);
      // electron-builder reads CSC_LINK / CSC_KEY_PASSWORD (and APPLE_* to notarise)
      assert.match(step.run!, /CSC_LINK=\$(MAC|WIN)_CSC_LINK/);
    }
    assert.match(mac.run!, /CSC_IDENTITY_AUTO_DISCOVERY=false/);
    assert.match(mac.run!, /APPLE_ID=\$APPLE_ID/);
    const signAt = steps.indexOf(mac);
    assert.ok(signAt < steps.findIndex((s) => /npm run dist/.test(s.run ?? '')), 'signing is configured before dist');
  });

  it('Release: a version tag makes a draft GitHub release with all installers and one SHA256SUMS', () => {
    const pub = workflow('release.yml').jobs.publish;
    assert.equal(pub.needs, 'package');
    assert.match(pub.if!, /refs\/tags\/v/);
    assert.equal(pub.permissions?.contents, 'write');
    const r = runs(pub);
    assert.match(r, /> SHA256SUMS/);
    assert.match(r, /sha256sum --check SHA256SUMS/);
    assert.match(r, /gh release create .* --draft/s);
  });
});
