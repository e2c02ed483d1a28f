// The rekordbox XML collection writer (main/engine/library/rekordbox-xml.ts): the beat grid's arithmetic, rekordbox's
// key names, Location URLs, and the document read back by a DOM parser. The whole export, from a scanned library with
// real files, read by Python's ElementTree as DJ tools read rekordbox XML: test/integration/rekordbox-export.test.ts.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { mulberry32 } from '../helpers/prng';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rekordboxGrid, rekordboxLocation, rekordboxShiftSec, rekordboxTonality, rekordboxXml, xmlText, type RekordboxTrack } from '../../main/engine/library/rekordbox-xml';
import { mp3TimingCase, mp3TimingCaseOf } from '../../main/engine/media/structure';

const beatsAt = (first: number, period: number, n: number, jitter = 0) => Array.from({ length: n }, (_, i) => first + i * period + (i % 2 ? jitter : -jitter));

describe('rekordbox XML', () => {
  test('a grid at the tempo shown, in phase with the beats (a skipped beat moves nothing), from its first beat at or after 0 s, counted from the downbeat', () => {
    // 120 BPM, beats from 0.26 s with ±4 ms tracker jitter; the downbeat is beats[1] (0.76 s): beats[0] is beat 4
    const beats = beatsAt(0.26, 0.5, 64, 0.004);
    beats.splice(30, 1);
    const [g, ...more] = rekordboxGrid(beats, 120, 120, 4, 1);
    assert.deepEqual(rekordboxGrid([], 120, 120, 4, 0), []);
    assert.equal(more.length, 0);
    assert.equal(g.bpm, 120);
    assert.equal(g.metro, '4/4');
    assert.ok(Math.abs(g.inizio - 0.26) < 0.002, `${g.inizio}`);
    assert.equal(g.battito, 4);
    // no downbeat known: the first beat is bar 1
    assert.equal(rekordboxGrid(beats, 120, 120, 4, null)[0].battito, 1);
    // 3/4 with the downbeat at beats[2]: beats[0] is beat 2 of its bar
    const w = rekordboxGrid(beats, 120, 120, 3, 2)[0];
    assert.deepEqual([w.metro, w.battito], ['3/4', 2]);
  });

  test('the grid\'s tempo from the beats themselves, not the analysed BPM rounded to 0.1: on the beats from start to end of a long track', () => {
    // 123.37 BPM for 5 minutes (the analysis says 123.4), ±6 ms tracker jitter, a skipped and an extra (off-beat) beat
    // and a stray first one;
    // at 123.40 a grid through the middle drifts 40 ms by either end (fluidsynth song in tempo-sections, 44 ms)
    const period = 60 / 123.37;
    const beats = beatsAt(0.3, period, 616, 0.006);
    beats.splice(200, 1);
    beats.splice(400, 0, beats[399] + period / 2);
    // and a first beat off the pulse (an intro's noise, 0.2 s early): the line is the pulse's, not that beat's
    beats.unshift(0.1);
    for (const [shown, f] of [[123.4, 1], [61.7, 0.5], [246.8, 2]] as const) {
      const [g] = rekordboxGrid(beats, 123.4, shown, 4, 1);
      // a halved grid is on every other beat: its lines and their midpoints are the beats
      const q = (60 / g.bpm) * Math.min(1, f);
      const worst = Math.max(...Array.from({ length: 616 }, (_, i) => 0.3 + i * period).map((t) => Math.abs(t - g.inizio - Math.round((t - g.inizio) / q) * q)));
      // Bpm to 0.01 (rekordbox's) is itself up to 12 ms over 5 minutes at 61.68 (the grid anchored mid-track)
      assert.ok(worst < 0.008 / Math.min(1, f), `shown ${shown}: ${JSON.stringify(g)} is ${(worst * 1000).toFixed(1)} ms off a beat`);
      assert.ok(Math.abs(g.bpm - 123.37 * f) <= 0.01, `${g.bpm} BPM`);
    }
  });

  test('an hour-long mix at 128.04 BPM analysed as 128.0: the grid on its beats from the first to the last (the 0.04 BPM is 1.1 s over the hour)', () => {
    const rnd = mulberry32(9);
    const period = 60 / 128.04;
    const truth = Array.from({ length: 7680 }, (_, i) => 0.2 + i * period);
    const [g] = rekordboxGrid(truth.map((t) => t + (rnd() - 0.5) * 0.012), 128, 128, 4, 0);
    const q = 60 / g.bpm;
    const worst = Math.max(...truth.map((t) => Math.abs(t - g.inizio - Math.round((t - g.inizio) / q) * q)));
    assert.ok(worst < 0.01, `${JSON.stringify(g)} is ${(worst * 1000).toFixed(0)} ms off a beat`);
  });

  test('the analysed tempo where it keeps the grid on the beats: a 50 s track at 124 BPM exports 124.00, not its fit 124.0x', () => {
    // ±6 ms of uneven tracker jitter moves a least-squares tempo over 100 beats by ~0.01 BPM (3 ms by either end)
    const rnd = mulberry32(3); // its least-squares tempo reads 123.99
    const beats = Array.from({ length: 103 }, (_, i) => 0.01 + (i * 60) / 124 + (rnd() - 0.5) * 0.012);
    assert.equal(rekordboxGrid(beats, 124, 124, 4, 0)[0].bpm, 124);
    assert.equal(rekordboxGrid(beats, 124, 62, 4, 0)[0].bpm, 62);
    // the comment's, the table's and AverageBpm's tempo agree
    const t: RekordboxTrack = { path: '/M/a.wav', title: 'a', artist: null, album: null, genre: null, year: null, durationSec: 50, sizeBytes: null, bitrateKbps: null, sampleRate: null, bpm: 124, key: null, grid: rekordboxGrid(beats, 124, 124, 4, 0), cues: [], regions: [], loop: null };
    const doc = rekordboxXml([t], [], { name: 'R', version: '1', company: 'R' });
    assert.match(doc, /AverageBpm="124.00"/);
  });

  test('a tempo shown folded (the BPM range) runs the grid at that rate through the same downbeats', () => {
    const beats = beatsAt(0.26, 0.5, 64);
    // halved to 60: the grid's beats are every other beat, the downbeat (0.76 s) among them
    const half = rekordboxGrid(beats, 120, 60, 4, 1)[0];
    assert.equal(half.bpm, 60);
    assert.equal(half.inizio, 0.76);
    assert.equal(half.battito, 1);
    // doubled to 240: beats and their midpoints, from 0.01 s; the downbeat 0.76 s is 3 grid beats later → beat 2 at 0.01
    const dbl = rekordboxGrid(beats, 120, 240, 4, 1)[0];
    assert.equal(dbl.bpm, 240);
    assert.equal(dbl.inizio, 0.01);
    assert.equal(dbl.battito, 2);
    // the downbeat itself always falls on Battito 1: inizio + ((5 − battito) mod 4) × period
    for (const g of [half, dbl, rekordboxGrid(beats, 120, 120, 4, 1)[0]]) {
      const down = g.inizio + (((5 - g.battito) % 4) * 60) / g.bpm;
      assert.ok(Math.abs(((down - 0.76) / 2 - Math.round((down - 0.76) / 2)) * 2) < 0.002, `${JSON.stringify(g)} puts a downbeat at ${down}`);
    }
  });

  test('keys in rekordbox\'s own names, whatever form the studio or a tag gives', () => {
    assert.equal(rekordboxTonality('A minor'), 'Am');
    assert.equal(rekordboxTonality('C# minor'), 'Dbm');
    assert.equal(rekordboxTonality('G# minor'), 'Abm');
    assert.equal(rekordboxTonality('F# major'), 'F#');
    assert.equal(rekordboxTonality('Eb'), 'Eb');
    assert.equal(rekordboxTonality('Bbm'), 'Bbm');
    assert.equal(rekordboxTonality('8A'), null);
  });

  test('Location: file://localhost and the path percent-encoded as UTF-8', () => {
    assert.equal(rekordboxLocation('/Music/Café del Mar #1.mp3'), 'file://localhost/Music/Caf%C3%A9%20del%20Mar%20%231.mp3');
    assert.equal(rekordboxLocation('/Музыка/a%b.flac'), 'file://localhost/%D0%9C%D1%83%D0%B7%D1%8B%D0%BA%D0%B0/a%25b.flac');
    assert.equal(xmlText('a\u0001b\u0007c\td\uFFFEe'), 'abc\tde');
  });

  test('the document: collection, grid, cues, loop, playlists — attribute text escaped, control characters gone', () => {
    const t: RekordboxTrack = {
      path: '/m/Tom & Jerry <live>.mp3', title: 'Say "hi" & <go>\u0002', artist: 'A', album: null, genre: 'House', year: 2024,
      durationSec: 241.6, sizeBytes: 1234, bitrateKbps: 320, sampleRate: 44100, bpm: 124, key: 'C# minor',
      grid: [{ inizio: 0.12, bpm: 124, metro: '4/4', battito: 1 }], cues: [{ slot: 3, timeSec: 30.5 }, { slot: 1, timeSec: 1 }],
      regions: [{ name: 'Drop', startSec: 60, endSec: 90 }], loop: { startSec: 10, endSec: 12 },
    };
    const bare: RekordboxTrack = { ...t, path: '/m/b.m4a', title: null, bpm: null, key: null, grid: [], cues: [], regions: [], loop: null };
    const xml = rekordboxXml([t, bare], [{ name: 'Warm-up', tracks: [1, 0] }], { name: 'Resonance Studio', version: '0.1.0', company: 'Resonance Studio' });
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<DJ_PLAYLISTS Version="1.0.0">/);
    const { DOMParser } = createRequire(import.meta.url)('@xmldom/xmldom');
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const all = (name: string) => Array.from(doc.getElementsByTagName(name) as ArrayLike<{ getAttribute(n: string): string | null; hasAttribute(n: string): boolean }>);
    const [a, b] = all('TRACK');
    assert.equal(all('COLLECTION')[0].getAttribute('Entries'), '2');
    assert.equal(a.getAttribute('Name'), 'Say "hi" & <go>');
    assert.equal(a.getAttribute('Kind'), 'MP3 File');
    assert.equal(a.getAttribute('TotalTime'), '242');
    assert.equal(a.getAttribute('AverageBpm'), '124.00');
    assert.equal(a.getAttribute('Tonality'), 'Dbm');
    assert.equal(a.getAttribute('Location'), 'file://localhost/m/Tom%20&%20Jerry%20%3Clive%3E.mp3');
    assert.equal(b.getAttribute('Name'), 'b');
    assert.equal(b.getAttribute('Kind'), 'M4A File');
    assert.ok(!b.hasAttribute('AverageBpm') && !b.hasAttribute('Tonality'), 'no tempo or key where none is sure: rekordbox analyses it');
    assert.deepEqual(all('TEMPO').map((e) => [e.getAttribute('Inizio'), e.getAttribute('Bpm'), e.getAttribute('Metro'), e.getAttribute('Battito')]), [['0.120', '124.00', '4/4', '1']]);
    assert.deepEqual(
      all('POSITION_MARK').map((e) => [e.getAttribute('Name'), e.getAttribute('Type'), e.getAttribute('Start'), e.hasAttribute('End') ? e.getAttribute('End') : null, e.getAttribute('Num')]),
      [['', '0', '1.000', null, '0'], ['', '0', '30.500', null, '2'], ['Drop', '0', '60.000', null, '-1'], ['', '4', '10.000', '12.000', '-1']],
    );
    const nodes = all('NODE');
    assert.deepEqual(nodes.map((n) => [n.getAttribute('Name'), n.getAttribute('Type'), n.getAttribute(n.hasAttribute('Count') ? 'Count' : 'Entries')]), [['ROOT', '0', '1'], ['Warm-up', '1', '2']]);
    // the playlist's entries name TrackIDs, in crate order
    assert.deepEqual(all('TRACK').slice(2).map((e) => e.getAttribute('Key')), ['2', '1']);
  });

  test('MP3s on rekordbox\'s timeline: 26 ms later for a LAME-encoded file with its LAME tag (Mixxx\'s case D), as encoders and taggers write them; 0 for the others', async () => {
    const dir = join('test/output/rekordbox-xml-unit');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const wav = join(dir, 's.wav');
    const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'ignore' });
    run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=f=440:d=2', '-ar', '44100', '-ac', '2', '-y', wav]);
    const f = (n: string) => join(dir, n);
    run('lame', ['--quiet', '-b', '192', wav, f('lame-cbr.mp3')]); // Info frame + LAME tag, CRC valid
    run('lame', ['--quiet', '-V', '2', wav, f('lame-vbr.mp3')]); // Xing frame + LAME tag
    run('lame', ['--quiet', '-b', '192', '-t', wav, f('lame-no-info.mp3')]); // no Info frame (case A)
    run('ffmpeg', ['-v', 'error', '-i', wav, '-c:a', 'libmp3lame', '-b:a', '192k', '-y', f('ffmpeg.mp3')]); // "Lavc" reduced tag (case B)
    // free format over 320 kb/s (what --freeformat is for): its frame length (1306 bytes) is found from three headers, past 2 kB
    run('lame', ['--quiet', '--freeformat', '-b', '400', wav, f('lame-free-400.mp3')]);
    // a tagger after the encoder: an ID3v2 tag with cover art in front of the Info frame
    run('lame', ['--quiet', '-b', '192', wav, f('lame-tagged.mp3')]);
    run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=s=200x200,noise=alls=100:allf=t', '-frames:v', '1', '-y', f('cover.png')]); // ~80 kB of noise: the Info frame past the first 64 kB
    run('mid3v2', ['-t', 'Tagged', '-a', 'Artist', f('lame-tagged.mp3')]);
    run('eyeD3', ['--quiet', '--add-image', `${f('cover.png')}:FRONT_COVER`, f('lame-tagged.mp3')]);
    run('ffmpeg', ['-v', 'error', '-i', f('lame-cbr.mp3'), '-c', 'copy', '-map_metadata', '-1', '-y', f('remuxed.mp3')]); // a remux: ffmpeg's own "Lavf" tag (case B)
    run('ffmpeg', ['-v', 'error', '-i', f('lame-cbr.mp3'), '-c', 'copy', '-y', f('copied.mp3')]); // -c copy keeping LAME's tag (case D)
    // case C: a LAME tag whose CRC was zeroed (writers that leave it blank)
    const b = readFileSync(f('lame-cbr.mp3'));
    const info = b.indexOf('Info', 0, 'latin1');
    const lame = b.indexOf('LAME', info, 'latin1');
    const crc = b.readUInt16BE(lame + 34);
    b.writeUInt16BE(0, lame + 34);
    writeFileSync(f('lame-zero-crc.mp3'), b);
    // LAME before 3.90 wrote its version alone, no tag (case B); a Fraunhofer VBRI header 32 bytes after the frame
    // header (case D) — both made here from LAME's frame: no such encoder is packaged
    b.writeUInt16BE(crc, lame + 34);
    const old = Buffer.from(b);
    old.write('LAME3.88 ', lame, 'latin1');
    const first = b.indexOf(Buffer.from([0xff]), 0);
    const vbri = Buffer.from(readFileSync(f('lame-no-info.mp3')));
    vbri.write('VBRI', vbri.indexOf(Buffer.from([0xff])) + 36, 'latin1');
    writeFileSync(f('vbri.mp3'), vbri);
    const cases = async (names: string[]) => Object.fromEntries(await Promise.all(names.map(async (n) => [n, await mp3TimingCaseOf(f(n))])));
    assert.deepEqual(
      await cases(['lame-cbr.mp3', 'lame-vbr.mp3', 'lame-tagged.mp3', 'copied.mp3', 'vbri.mp3', 'lame-zero-crc.mp3', 'lame-no-info.mp3', 'ffmpeg.mp3', 'remuxed.mp3', 'lame-free-400.mp3']),
      { 'lame-cbr.mp3': 'D', 'lame-vbr.mp3': 'D', 'lame-tagged.mp3': 'D', 'copied.mp3': 'D', 'vbri.mp3': 'D', 'lame-zero-crc.mp3': 'C', 'lame-no-info.mp3': 'A', 'ffmpeg.mp3': 'B', 'remuxed.mp3': 'B', 'lame-free-400.mp3': 'D' },
    );
    assert.equal(mp3TimingCase(old.subarray(first)), 'B', 'LAME 3.88: a version string, no tag');
    old.write('L3.99r   ', lame, 'latin1'); // 3.99 alpha's signature: a LAME tag (its CRC now stale: case C, not B)
    assert.equal(mp3TimingCase(old.subarray(first)), 'C');
    const shift = async (n: string) => rekordboxShiftSec({ path: f(n), timingCase: await mp3TimingCaseOf(f(n)) });
    assert.deepEqual(await Promise.all(['lame-cbr.mp3', 'vbri.mp3', 'lame-zero-crc.mp3', 'lame-no-info.mp3', 'ffmpeg.mp3'].map(shift)), [0.026, 0.026, 0, 0, 0]);
    assert.equal(rekordboxShiftSec({ path: '/m/a.m4a', timingCase: 'D' }), 0, 'only MP3');
    assert.equal(await mp3TimingCaseOf(f('s.wav')), null, 'no MPEG audio');
    // what a library row's path may be by export time (tester36): gone, a folder, a named pipe — none an MP3 to read,
    // none waited on (a pipe's open waited for a writer: the export hung, its Cancel too)
    const fifo = f('pipe.mp3');
    execFileSync('mkfifo', [fifo]);
    mkdirSync(f('folder.mp3'));
    try {
      const answer = await Promise.race([mp3TimingCaseOf(fifo), new Promise((res) => setTimeout(() => res('still waiting after 2 s'), 2000))]);
      assert.equal(answer, null, 'a named pipe');
    } finally {
      // a reader left waiting in open() is let go (a writer opens the pipe), or the process could not end
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // no reader waiting: nothing to let go
      }
    }
    assert.equal(await mp3TimingCaseOf(f('folder.mp3')), null, 'a folder');
    assert.equal(await mp3TimingCaseOf(f('gone.mp3')), null, 'a file gone');
    // every time written moves by it
    const t: RekordboxTrack = {
      path: f('lame-cbr.mp3'), title: 't', artist: null, album: null, genre: null, year: null, durationSec: 2, sizeBytes: 1, bitrateKbps: 192, sampleRate: 44100,
      bpm: 120, key: null, grid: [{ inizio: 0.5, bpm: 120, metro: '4/4', battito: 1 }], cues: [{ slot: 1, timeSec: 1 }], regions: [{ name: 'R', startSec: 0.25, endSec: 1 }],
      loop: { startSec: 1, endSec: 1.5 }, shiftSec: await shift('lame-cbr.mp3'),
    };
    const xml = rekordboxXml([t], [], { name: 'Resonance Studio', version: '0', company: 'Resonance Studio' });
    assert.deepEqual([...xml.matchAll(/(Inizio|Start|End)="([\d.]+)"/g)].map((m) => `${m[1]}=${m[2]}`), ['Inizio=0.526', 'Start=1.026', 'Start=0.276', 'Start=1.026', 'End=1.526']);
  });
});
