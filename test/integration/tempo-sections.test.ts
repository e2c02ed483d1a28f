// Issue 10 kind 4, tempo sections through the library: a track whose tempo changes twice
// (numpy render, 30 s each at 90, 130, 90 BPM) next to a steady one (60 s at 120), scanned by
// `studio analyze --db`; its sections in `analyze --json` (tempoSections) and the text output
// ("tempo variable 90–130 BPM: 0:00–0:30 90 BPM, …"), in library:track-detail, in the JSON and
// CSV export, and the change in the stored features line; the steady track has none, and the
// stored bpm column of the changing one is still the whole-track estimate. The rekordbox XML export of the same
// library: a fixed grid on the kicks of the steady track, none for the changing one (its tempo and why), hot
// cues, loop, region and crate, read back by Python's ElementTree as DJ tools read rekordbox XML. Needs `npm run build`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { OUTPUT, ROOT } from '../helpers/media';
import { startTestEngine } from '../helpers/engine';
import { tempoRender } from '../helpers/tempo-render';
import { REAL_PYTHON } from '../helpers/python';
import { renderSong, type SmfNote } from '../helpers/smf';

const DIR = join(OUTPUT, 'tempo-sections-test');
const bin = join(ROOT, 'bin', 'studio.js');
type Section = { start: number; end: number; bpm: number; endBpm?: number };

describe('tempo sections in the library, analyze and the export (issue 10 kind 4)', () => {
  const music = join(DIR, 'Music');
  const dbPath = join(DIR, 'db', 'lib.sqlite');

  test('studio analyze: tempoSections in --json and in words, none for the steady track; the stored bpm is the whole-track estimate', () => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(music, { recursive: true });
    copyFileSync(tempoRender('ts-90-130-90.wav', [[90, 90, 30], [130, 130, 30], [90, 90, 30]]), join(music, 'changes.wav'));
    copyFileSync(tempoRender('tempo-steady-60s-120.wav', [[120, 120, 60]]), join(music, 'steady.wav'));
    const run = spawnSync(process.execPath, [bin, 'analyze', music, '--json', '--db', dbPath], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { path: string; bpm: number; tempoSections: Section[] | null; features: string });
    const changes = lines.find((l) => l.path.endsWith('changes.wav'))!;
    const steady = lines.find((l) => l.path.endsWith('steady.wav'))!;
    const v = changes.tempoSections;
    assert.ok(v && v.length === 3, JSON.stringify(changes));
    assert.ok(Math.abs(v[0].bpm - 90) <= 2 && Math.abs(v[1].bpm - 130) <= 3 && Math.abs(v[2].bpm - 90) <= 2 && Math.abs(v[0].end - 30) <= 4 && Math.abs(v[1].end - 60) <= 4, JSON.stringify(v));
    assert.ok(changes.features.startsWith(`Tempo: changes from ${v[0].bpm} to ${v[1].bpm} to ${v[2].bpm} BPM.`), changes.features);
    assert.equal(steady.tempoSections, null);
    assert.match(steady.features, /^Tempo: 120 BPM\./);
    const db = new Database(dbPath, { readonly: true });
    const stored = db.prepare(`SELECT bpm FROM tracks WHERE file_name = 'changes.wav'`).get() as { bpm: number };
    db.close();
    assert.equal(stored.bpm, changes.bpm, 'the bpm column keeps the whole-track estimate');
    const text = spawnSync(process.execPath, [bin, 'analyze', join(music, 'changes.wav'), '--db', dbPath], { encoding: 'utf8' });
    assert.equal(text.status, 0, text.stderr);
    const span = `${Math.min(...v.map((s) => s.bpm))}–${Math.max(...v.map((s) => s.bpm))}`;
    assert.match(text.stdout, new RegExp(`tempo +variable ${span} BPM: 0:00–0:[23]\\d ${v[0].bpm} BPM, 0:[23]\\d–[01]:\\d\\d ${v[1].bpm} BPM, [01]:\\d\\d–1:30 ${v[2].bpm} BPM \\(whole-track estimate ${changes.bpm} BPM, confidence \\d+%\\)`), text.stdout);
  });

  test('library:track-detail and library:export (JSON, CSV) carry the sections', async () => {
    const { engine } = await startTestEngine({ env: { STUDIO_DB_FILE: dbPath, STUDIO_LIBRARY_BACKGROUND: '0' } });
    try {
      const rows = (await engine.call('library:query', { offset: 0, limit: 10, sort: { column: 'fileName', dir: 'asc' } })).rows;
      const [changes, steady] = rows;
      assert.equal(changes.fileName, 'changes.wav');
      const d = await engine.call('library:track-detail', { trackId: changes.id });
      assert.ok(d.tempoSections && d.tempoSections.length === 3, JSON.stringify(d.tempoSections));
      assert.equal((await engine.call('library:track-detail', { trackId: steady.id })).tempoSections, null);
      const json = JSON.parse((await engine.call('library:export', { format: 'json' })).content) as { fileName: string; tempoSections: Section[] | null }[];
      assert.deepEqual(json.find((r) => r.fileName === 'changes.wav')!.tempoSections, d.tempoSections);
      assert.equal(json.find((r) => r.fileName === 'steady.wav')!.tempoSections, null);
      const csv = (await engine.call('library:export', { format: 'csv' })).content.replace(/^\ufeff/, '').split('\r\n');
      const head = csv[0].split(',');
      const cell = (name: string) => csv.find((l) => l.includes(name))!.split(',')[head.indexOf('tempoSections')];
      assert.equal(cell('changes.wav'), d.tempoSections.map((s) => `${Math.floor(s.start / 60)}:${String(Math.floor(s.start % 60)).padStart(2, '0')}–${Math.floor(s.end / 60)}:${String(Math.floor(s.end % 60)).padStart(2, '0')} ${s.bpm} BPM`).join(' | '));
      assert.equal(cell('steady.wav'), '');
      // with a BPM range set, the sections are moved by one factor into it, so 90 → 130 → 90 reads 180 → 260 → 180 in
      // 100–200, not 180 → 130 → 180 (tester24) — and at the level of the BPM column (its whole-track estimate is
      // stored at the 90 sections' double, ~177: the column stays, the sections are doubled), the tempo curve by the
      // column's own factor, the table row and the export as the detail panel (reviewer of tester24)
      await engine.call('library:set-bpm-range', { range: { min: 100, max: 200 } });
      const folded = await engine.call('library:track-detail', { trackId: changes.id });
      assert.deepEqual(folded.tempoSections!.map((s) => s.bpm), d.tempoSections.map((s) => s.bpm * 2));
      const kc = 2 ** Math.round(Math.log2(folded.track.bpm! / d.track.bpm!));
      assert.ok(Math.abs(folded.track.bpm! - d.track.bpm! * kc) <= 0.05, `the column by a factor ×2ⁿ: ${d.track.bpm} → ${folded.track.bpm}`);
      assert.deepEqual(folded.tempoCurve.map((p) => p.bpm), kc === 1 ? d.tempoCurve.map((p) => p.bpm) : d.tempoCurve.map((p) => Math.round(p.bpm * kc * 10) / 10));
      const first = folded.tempoSections![0].bpm;
      assert.ok(Math.abs(Math.log2(first / folded.track.bpm!)) < 0.5, `the sections (${first} …) at the column's level (${folded.track.bpm})`);
      const ranged = (await engine.call('library:query', { offset: 0, limit: 10, sort: { column: 'fileName', dir: 'asc' } })).rows;
      assert.deepEqual(ranged.find((r) => r.fileName === 'changes.wav')!.tempoSections, folded.tempoSections, 'the table row as the detail panel');
      const exported = JSON.parse((await engine.call('library:export', { format: 'json' })).content) as { fileName: string; bpm: number; tempoSections: Section[] | null }[];
      assert.deepEqual(exported.find((r) => r.fileName === 'changes.wav')!.tempoSections, folded.tempoSections, 'the export as the detail panel');
      assert.equal(exported.find((r) => r.fileName === 'changes.wav')!.bpm, folded.track.bpm);
      // in 60–120 the same track reads 90 → 130 → 90 beside a column near 90 (tester24)
      await engine.call('library:set-bpm-range', { range: { min: 60, max: 120 } });
      const low = await engine.call('library:track-detail', { trackId: changes.id });
      assert.deepEqual(low.tempoSections!.map((s) => s.bpm), d.tempoSections.map((s) => s.bpm));
      assert.ok(Math.abs(Math.log2(low.tempoSections![0].bpm / low.track.bpm!)) < 0.5, `${low.tempoSections![0].bpm} beside ${low.track.bpm}`);
      await engine.call('library:set-bpm-range', { range: null });
    } finally {
      await engine.stop();
    }
  });
  test('rekordbox XML: grids on the beats (none for the changing one), cues, loop, crate; read back by ElementTree', async () => {
    // a third track, its name as a tagger or a phone leaves it (accents, spaces, '#', '&'), added as `studio analyze --db`
    // adds it; encoded by LAME (its Info frame's LAME tag: rekordbox's timeline of it runs 26 ms later, rekordboxShiftSec)
    const odd = join(DIR, 'Más música', 'Café del Mar #1 & Co.mp3');
    mkdirSync(dirname(odd), { recursive: true });
    assert.equal(spawnSync('lame', ['--quiet', '-b', '192', join(music, 'steady.wav'), odd]).status, 0, 'lame');
    const add = spawnSync(process.execPath, [bin, 'analyze', odd, '--json', '--db', dbPath], { encoding: 'utf8' });
    assert.equal(add.status, 0, add.stderr);
    // the engine on the data folder `studio analyze --db` used: its cached waveforms give the downbeat
    const { engine } = await startTestEngine({ dataDir: dirname(dbPath), env: { STUDIO_DB_FILE: dbPath, STUDIO_LIBRARY_BACKGROUND: '0' } });
    try {
      const rows = (await engine.call('library:query', { offset: 0, limit: 10, sort: { column: 'fileName', dir: 'asc' } })).rows;
      const steady = rows.find((r) => r.fileName === 'steady.wav')!;
      const changes = rows.find((r) => r.fileName === 'changes.wav')!;
      await engine.call('marks:set-cue', { trackId: steady.id, slot: 1, timeSec: 4 });
      await engine.call('marks:set-cue', { trackId: steady.id, slot: 3, timeSec: 20.25 });
      await engine.call('marks:save-region', { trackId: steady.id, name: 'Break & build', startSec: 30, endSec: 38 });
      await engine.call('marks:set-loop', { trackId: steady.id, loop: { startSec: 8, endSec: 10, on: false } });
      const lame = rows.find((r) => r.fileName === 'Café del Mar #1 & Co.mp3')!;
      await engine.call('marks:set-cue', { trackId: lame.id, slot: 1, timeSec: 4 });
      const crate = await engine.call('crates:create', { name: 'Warm-up <1>' });
      await engine.call('crates:add-tracks', { crateId: crate.id, trackIds: [changes.id, steady.id] });
      const whole = await engine.call('library:export', { format: 'rekordbox' });
      assert.match(whole.fileName, /^library-\d{4}-\d{2}-\d{2}\.xml$/);
      assert.equal(whole.mime, 'application/xml');
      assert.equal(whole.count, 3);
      const read = (xml: string) => {
        const py = spawnSync(REAL_PYTHON, ['-c', READ_REKORDBOX], { input: xml, encoding: 'utf8' });
        assert.equal(py.status, 0, py.stderr);
        return JSON.parse(py.stdout) as { tracks: RbTrack[]; playlists: { name: string; keys: string[] }[] };
      };
      const doc = read(whole.content);
      // every Location is the file, as a reader decodes it (unquote after file://localhost)
      for (const t of doc.tracks) assert.ok(existsSync(t.path), `${t.location} → ${t.path}`);
      const byName = (f: string) => doc.tracks.find((t) => t.path.endsWith(f))!;
      const o = byName('Café del Mar #1 & Co.mp3');
      assert.equal(o.path, odd);
      // the LAME MP3's cue and grid on rekordbox's timeline: 26 ms after the studio's (ffmpeg's gapless decode)
      assert.deepEqual(o.marks, [['', '0', '4.026', null, '0']]);
      const s = byName('steady.wav');
      assert.equal(s.kind, 'WAV File');
      assert.equal(s.totalTime, '60');
      // one TEMPO: the grid of the kicks (one every 0.5 s from 0 s, at 120 BPM or its double / half as analysed)
      assert.equal(s.tempo.length, 1, JSON.stringify(s.tempo));
      const [g] = s.tempo;
      assert.equal(Number(g.bpm).toFixed(2), Number(s.averageBpm).toFixed(2));
      assert.ok([60, 120, 240].some((b) => Math.abs(Number(g.bpm) - b) < 0.5), `grid at ${g.bpm} BPM`);
      const off = Number(g.inizio) % 0.25;
      assert.ok(Math.min(off, 0.25 - off) < 0.02, `the grid's first beat ${g.inizio} s lies on a kick`);
      assert.ok(['1', '2', '3', '4'].includes(g.battito) && ['4/4', '3/4'].includes(g.metro), JSON.stringify(g));
      // the scan stored the downbeat with the beats (the track view's, from its waveform): with the cached waveforms
      // gone the grid is the same — the export reads no waveform
      const ro = new Database(dbPath, { readonly: true });
      const storedTempo = JSON.parse((ro.prepare(`SELECT result_json FROM library_analyses WHERE analyser = 'tempo' AND track_id = ?`).get(steady.id) as { result_json: string }).result_json) as { downbeat?: number; beatsPerBar: number | null };
      ro.close();
      if (storedTempo.beatsPerBar) assert.ok(Number.isInteger(storedTempo.downbeat) && storedTempo.downbeat! >= 0 && storedTempo.downbeat! < storedTempo.beatsPerBar, JSON.stringify(storedTempo).slice(0, 200));
      assert.ok(existsSync(join(dirname(dbPath), 'cache', 'analysis')), 'the scan cached its waveforms there');
      rmSync(join(dirname(dbPath), 'cache', 'analysis'), { recursive: true, force: true });
      const again = read((await engine.call('library:export', { format: 'rekordbox', trackIds: [steady.id] })).content);
      assert.deepEqual(again.tracks[0].tempo, s.tempo);
      assert.deepEqual(s.marks, [['', '0', '4.000', null, '0'], ['', '0', '20.250', null, '2'], ['Break & build', '0', '30.000', null, '-1'], ['', '4', '8.000', '10.000', '-1']]);
      // the changing track: its tempo, no grid (its beats keep the whole-track tempo: a fixed grid would drift)
      const c = byName('changes.wav');
      assert.deepEqual(c.tempo, []);
      assert.equal(Number(c.averageBpm), changes.bpm);
      // no Comments: rekordbox would take ours over the DJ's own comment (Mixed In Key's energy, …) on import (tester35)
      assert.ok(doc.tracks.every((t) => t.comments === null), 'no Comments attribute');
      assert.deepEqual(doc.playlists, [{ name: 'Warm-up <1>', keys: [String(doc.tracks.indexOf(c) + 1), String(doc.tracks.indexOf(s) + 1)] }]);
      // the crate's own export: its tracks and its one playlist, named after it
      const one = await engine.call('library:export', { format: 'rekordbox', filter: { crateId: crate.id }, sort: { column: 'crate', dir: 'asc' } });
      assert.match(one.fileName, /^Warm-up.*\.xml$/);
      const cd = read(one.content);
      assert.deepEqual(cd.tracks.map((t) => t.path.split('/').pop()), ['changes.wav', 'steady.wav']);
      assert.deepEqual(cd.playlists, [{ name: 'Warm-up <1>', keys: ['1', '2'] }]);
      // rows selected in the crate (the app names the crate for its order) or a filter within it: those tracks, and no
      // playlist of the crate's name holding only some of its tracks (tester35: 'Warm-up <1>' with one of its two)
      const picked = read((await engine.call('library:export', { format: 'rekordbox', trackIds: [steady.id], filter: { crateId: crate.id }, sort: { column: 'crate', dir: 'asc' } })).content);
      assert.deepEqual(picked.tracks.map((t) => t.path.split('/').pop()), ['steady.wav']);
      assert.deepEqual(picked.playlists, [], 'a selection in a crate takes no playlist along');
      const within = read((await engine.call('library:export', { format: 'rekordbox', filter: { crateId: crate.id, text: 'steady' }, sort: { column: 'crate', dir: 'asc' } })).content);
      assert.deepEqual(within.tracks.map((t) => t.path.split('/').pop()), ['steady.wav']);
      assert.deepEqual(within.playlists, [], 'a filter within a crate takes no playlist along');
      // the BPM range: the grid at the tempo shown, through the same kicks
      await engine.call('library:set-bpm-range', { range: { min: 150, max: 300 } });
      const fast = read((await engine.call('library:export', { format: 'rekordbox', trackIds: [steady.id] })).content);
      const [fg] = fast.tracks[0].tempo;
      assert.ok(Math.abs(Number(fg.bpm) - 240) < 1 && Number(fast.tracks[0].averageBpm) === Number(fg.bpm), JSON.stringify(fast.tracks[0]));
      assert.deepEqual(fast.playlists, [], 'a selection takes no crate along');
      await engine.call('library:set-bpm-range', { range: null });
    } finally {
      await engine.stop();
    }
  });
});

type RbTrack = { path: string; location: string; kind: string; totalTime: string; averageBpm: string; comments: string; tempo: { inizio: string; bpm: string; metro: string; battito: string }[]; marks: (string | null)[][] };

/** Python's ElementTree reading a rekordbox XML as DJ tools do (Location: unquote after "file://localhost"), printed as JSON */
const READ_REKORDBOX = `
import json, sys, urllib.parse, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
assert root.tag == 'DJ_PLAYLISTS' and root.get('Version') == '1.0.0'
col = root.find('COLLECTION')
tracks = []
for t in col.findall('TRACK'):
    loc = t.get('Location')
    assert loc.startswith('file://localhost/')
    tracks.append({'path': urllib.parse.unquote(loc[len('file://localhost'):]), 'location': loc, 'kind': t.get('Kind'), 'totalTime': t.get('TotalTime'),
                   'averageBpm': t.get('AverageBpm'), 'comments': t.get('Comments'), 'tempo': [{'inizio': e.get('Inizio'), 'bpm': e.get('Bpm'), 'metro': e.get('Metro'), 'battito': e.get('Battito')} for e in t.findall('TEMPO')],
                   'marks': [[e.get('Name'), e.get('Type'), e.get('Start'), e.get('End'), e.get('Num')] for e in t.findall('POSITION_MARK')]})
assert int(col.get('Entries')) == len(tracks)
lists = [{'name': n.get('Name'), 'keys': [e.get('Key') for e in n.findall('TRACK')]} for n in root.find('PLAYLISTS').find('NODE').findall('NODE')]
print(json.dumps({'tracks': tracks, 'playlists': lists}))
`;

describe('rekordbox XML of real music (fluidsynth): the grid on the beats the track view draws, Battito 1 on the bar lines', () => {
  const dir = join(OUTPUT, 'tempo-sections-rb-songs');
  const dbPath = join(dir, 'db', 'lib.sqlite');
  // 4/4 at 124 BPM with a one-beat pickup (a snare fill before bar 1): the bars start on beats 1, 5, 9, …
  // 3/4 at 150 BPM with a two-beat pickup: the bars start on beats 2, 5, 8, …
  // 4/4 at 123.37 BPM for 5 minutes: the analysis says 123.4; a grid at that is 44 ms off the song by either end
  const songs = [
    { file: 'pickup-44-124.wav', bpm: 124, bpb: 4, first: 1, song: () => barsSong(124, 4, 1, 24) },
    { file: 'waltz-34-150.wav', bpm: 150, bpb: 3, first: 2, song: () => barsSong(150, 3, 2, 32) },
    { file: 'long-44-123.37.wav', bpm: 123.37, bpb: 4, first: 1, song: () => barsSong(123.37, 4, 1, 150) },
  ];
  test('Inizio + n·60/Bpm on the track view\'s beats; Battito 1 on a bar line', async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'Music'), { recursive: true });
    for (const s of songs) copyFileSync(s.song(), join(dir, 'Music', s.file));
    const run = spawnSync(process.execPath, [bin, 'analyze', join(dir, 'Music'), '--json', '--db', dbPath], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const { engine } = await startTestEngine({ dataDir: dirname(dbPath), env: { STUDIO_DB_FILE: dbPath, STUDIO_LIBRARY_BACKGROUND: '0' } });
    try {
      const rows = (await engine.call('library:query', { offset: 0, limit: 10, sort: { column: 'fileName', dir: 'asc' } })).rows;
      const py = spawnSync(REAL_PYTHON, ['-c', READ_REKORDBOX], { input: (await engine.call('library:export', { format: 'rekordbox' })).content, encoding: 'utf8' });
      assert.equal(py.status, 0, py.stderr);
      const doc = JSON.parse(py.stdout) as { tracks: RbTrack[] };
      for (const s of songs) {
        const row = rows.find((r) => r.fileName === s.file)!;
        // the track view's beat grid (source 'library': the stored analysis)
        const view = await engine.call('media:beats', { trackId: row.id });
        const t = doc.tracks.find((x) => x.path.endsWith(s.file))!;
        assert.equal(t.tempo.length, 1, `${s.file}: ${JSON.stringify(t)} ${JSON.stringify(row)}`);
        const g = t.tempo[0];
        const q = 60 / Number(g.bpm);
        const spb = 60 / s.bpm;
        const offGrid = (b: number) => Math.abs(b - Number(g.inizio) - Math.round((b - Number(g.inizio)) / q) * q);
        assert.equal(g.metro, `${s.bpb}/4`);
        assert.equal(t.averageBpm, g.bpm, 'AverageBpm is the grid\'s');
        // the song's beats (the MIDI's, to the end of the beats drawn) and every beat the track view draws lie on the grid
        const truth = Array.from({ length: Math.floor(view.beats.at(-1)! / spb) }, (_, i) => i * spb);
        const worstTruth = Math.max(...truth.map(offGrid));
        assert.ok(worstTruth < 0.02, `${s.file}: ${JSON.stringify(g)} (analysed ${row.bpm} BPM) is ${(worstTruth * 1000).toFixed(0)} ms off the song's beats`);
        const worst = Math.max(...view.beats.map(offGrid));
        assert.ok(worst < 0.03, `${s.file}: a drawn beat ${(worst * 1000).toFixed(0)} ms off the grid`);
        // Battito 1 on the song's bar lines (after the pickup), as the track view's downbeat
        const firstDown = Number(g.inizio) + ((s.bpb - Number(g.battito) + 1) % s.bpb) * q;
        const bars = (firstDown - s.first * spb) / (s.bpb * spb);
        assert.ok(Math.abs(bars - Math.round(bars)) * s.bpb * spb < 0.03, `${s.file}: the grid's downbeat ${firstDown.toFixed(3)} s is not on a bar line (from ${(s.first * spb).toFixed(3)} s every ${(s.bpb * spb).toFixed(3)} s)`);
        const vb = view.downbeat === null ? NaN : (view.beats[view.downbeat] - s.first * spb) / (s.bpb * spb);
        assert.ok(Math.abs(vb - Math.round(vb)) < 0.05, `${s.file}: the track view's downbeat ${view.beats[view.downbeat!]} s`);
      }
    } finally {
      await engine.stop();
    }
  });
});

/** `bars` bars of `bpb` beats at `bpm` after `pickup` beats (a snare fill): kick + crash + bass root + chord on 1, bass/chord stabs on the others, hi-hat eighths */
function barsSong(bpm: number, bpb: number, pickup: number, bars: number): string {
  const notes: SmfNote[] = [];
  for (let k = 0; k < pickup; k++) notes.push({ beat: k, len: 0.2, ch: 9, note: 38, vel: 70 + 20 * k });
  const roots = [45, 50, 43, 48];
  for (let bar = 0; bar < bars; bar++) {
    const b0 = pickup + bar * bpb;
    const r = roots[bar % 4];
    notes.push({ beat: b0, len: 0.3, ch: 9, note: 36, vel: 120 });
    if (bar % 4 === 0) notes.push({ beat: b0, len: 0.5, ch: 9, note: 49, vel: 100 });
    notes.push({ beat: b0, len: bpb - 0.2, ch: 1, note: r - 12, vel: 110 });
    for (let k = 1; k < bpb; k++) {
      if (bpb === 4 && k === 2) notes.push({ beat: b0 + k, len: 0.3, ch: 9, note: 36, vel: 90 });
      else notes.push({ beat: b0 + k, len: 0.2, ch: 9, note: 38, vel: 85 });
      for (const n of [r + 12, r + 16, r + 19]) notes.push({ beat: b0 + k, len: 0.4, ch: 0, note: n, vel: 70 });
    }
    for (let e = 0; e < 2 * bpb; e++) notes.push({ beat: b0 + e / 2, len: 0.1, ch: 9, note: 42, vel: e % 2 ? 40 : 60 });
  }
  return renderSong(`rb-grid-${bpb}-${bpm}-${pickup}.wav`, { bpm, notes, programs: { 0: 0, 1: 33 } });
}
