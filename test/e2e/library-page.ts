import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { naturalFolderKey, naturalKey, naturalPathKey } from '../../main/engine/db/natural-key';
import { searchKey } from '../../main/engine/db/search-key';
import { media, OUTPUT } from '../helpers/media';
import { HANG_GUARD_MS, type StudioPage } from './studio-page';

/**
 * The library's test media and page object. The tracks are made by ffmpeg:
 * a click on every beat (a known tempo) over a cadence in a known key (I–IV–V–I,
 * or i–iv–V–i in minor, 1.5 s a chord: one sustained triad alone names no key,
 * and the calibrated key confidence rightly calls it uncertain), in mp3, flac
 * and wav, plus a text file named .mp3 that must fail.
 */

export interface LibraryTrackSpec {
  file: string;
  title: string;
  bpm: number;
  /** MIDI notes of the tonic triad (root, third, fifth); the cadence is built on it */
  chord: number[];
  codec: 'mp3' | 'flac' | 'wav';
}

export const LIBRARY_TRACKS: LibraryTrackSpec[] = [
  { file: 'Alpha 120.mp3', title: 'Alpha Drive', bpm: 120, chord: [57, 60, 64], codec: 'mp3' }, // A minor
  { file: 'Beta 90.flac', title: 'Beta Slow', bpm: 90, chord: [48, 52, 55], codec: 'flac' }, // C major
  { file: 'Gamma 128.wav', title: 'Gamma Rush', bpm: 128, chord: [52, 55, 59], codec: 'wav' }, // E minor
  { file: 'sub/Delta 100.mp3', title: 'Delta Walk', bpm: 100, chord: [50, 54, 57], codec: 'mp3' }, // D major
];
export const BAD_FILE = 'Broken track.mp3';

const hz = (m: number) => 440 * 2 ** ((m - 69) / 12);

/**
 * The cadence on a tonic triad (MIDI notes root, third, fifth): I–IV–V–I in
 * major, i–iv–V–i in minor (harmonic minor's major V, whose leading tone
 * tells the key from its relative major).
 */
export function cadence(tonic: number[]): number[][] {
  const r = tonic[0];
  // the subdominant keeps the tonic's quality (IV / iv); the dominant is major in both modes
  return [tonic, tonic.map((m) => m + 5), [r + 7, r + 11, r + 14], tonic];
}

/** ffmpeg arguments that make one library track (a click per beat over the cadence), `sec` long. */
export function trackArgs(t: LibraryTrackSpec, sec: number): string[] {
  const p = (60 / t.bpm).toFixed(6);
  const pad = (chord: number[]) =>
    chord.map((m) => `(sin(2*PI*${hz(m).toFixed(3)}*t)+0.5*sin(4*PI*${hz(m).toFixed(3)}*t)+0.25*sin(6*PI*${hz(m).toFixed(3)}*t))`).join('+');
  const [c1, c2, c3, c4] = cadence(t.chord).map(pad);
  const harmony = `if(lt(mod(t,6),1.5),${c1},if(lt(mod(t,6),3),${c2},if(lt(mod(t,6),4.5),${c3},${c4})))`;
  const expr = `if(lt(mod(t,${p}),0.03),0.7*sin(2*PI*1000*t)*(1-mod(t,${p})/0.03),0)+0.05*(${harmony})`;
  const codec = t.codec === 'mp3' ? ['-c:a', 'libmp3lame', '-b:a', '160k'] : t.codec === 'flac' ? ['-c:a', 'flac'] : ['-c:a', 'pcm_s16le'];
  return [
    '-f', 'lavfi', '-i', `aevalsrc='${expr}':s=44100:d=${sec}`,
    '-ac', '2', ...codec,
    '-metadata', `title=${t.title}`, '-metadata', 'artist=Library Tests', '-metadata', `album=Set ${t.bpm}`,
  ];
}

/** A fresh folder of library tracks (the media are generated once and copied); `home` names its own folder under test/output. */
export function libraryFolder(sec = 12, home = 'e2e-library'): { dir: string; tracks: LibraryTrackSpec[]; bad: string } {
  const dir = join(OUTPUT, home, 'Music Library');
  rmSync(join(OUTPUT, home), { recursive: true, force: true });
  mkdirSync(join(dir, 'sub'), { recursive: true });
  for (const t of LIBRARY_TRACKS) {
    // the cache is keyed by name: a length other than the usual 12 s is named (it got the 12 s files, or gave its own)
    const src = media(`library-cadence-${sec === 12 ? '' : `${sec}s-`}${t.file.replace(/[^\w.]+/g, '-')}`, trackArgs(t, sec));
    writeFileSync(join(dir, t.file), readFileSync(src));
  }
  writeFileSync(join(dir, BAD_FILE), 'This is a text file pretending to be an MP3.\n'.repeat(50));
  writeFileSync(join(dir, 'notes.txt'), 'not music');
  return { dir, tracks: LIBRARY_TRACKS, bad: BAD_FILE };
}

/**
 * A fresh library folder (libraryFolder under test/output/`home`) added through the page's
 * “Add folder…” and scanned to the end: the five rows shown. Returns the folder and the page object.
 */
export async function scannedLibrary(sp: StudioPage, home: string): Promise<{ dir: string; lib: ReturnType<typeof libraryPage> }> {
  const folder = libraryFolder(12, home);
  return { dir: folder.dir, lib: await scanFolder(sp, folder.dir, 5) };
}

/** Show the Library, add `dir` through “Add folder…”, wait for its scan to finish and `total` rows to show; the page object. */
export async function scanFolder(sp: StudioPage, dir: string, total: number): Promise<ReturnType<typeof libraryPage>> {
  const lib = libraryPage(sp);
  await lib.show();
  const ev = await lib.addFolder(dir);
  assert.equal(ev.name, 'library-folder-added', JSON.stringify(ev.detail));
  await sp.page.locator('[data-testid=scan-progress][data-state=finished]').waitFor({ timeout: 120_000 });
  await lib.waitForTotal(total);
  return lib;
}

/** ffprobe's format tags of a file (keys lower-cased). */
export function formatTags(file: string): Record<string, string> {
  const j = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format_tags', '-of', 'json', file]).toString()) as { format?: { tags?: Record<string, string> } };
  return Object.fromEntries(Object.entries(j.format?.tags ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

type Win = { __studioEvents?: Array<{ seq: number; name: string; detail?: unknown }> };
/** the bits of the DOM the page functions use (the tests compile without the DOM lib) */
export type Doc = { document: { querySelectorAll(s: string): { length: number }; querySelector(s: string): { getAttribute(n: string): string | null } | null } };
type Canvas = { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };

/** Page object for the Library view. */
export function libraryPage(sp: StudioPage) {
  const page = sp.page;
  return {
    view: page.getByTestId('library-view'),
    table: page.getByTestId('library-table'),
    rows: page.getByTestId('library-row'),
    async show() {
      await page.getByTestId('view-library').click();
      await page.getByTestId('library-view').waitFor();
    },
    /** Add a folder through “Add folder…” and the in-app browser in folder mode. */
    async addFolder(dir: string) {
      await page.getByTestId('library-add-folder').click();
      await sp.fileBrowser().goTo(dir);
      const m = await sp.mark();
      await page.getByTestId('browser-use-folder').click();
      return sp.waitForEvent(['library-folder-added', 'library-folder-failed'], { after: m });
    },
    /** The texts of one column for the rendered rows, in order. */
    async column(col: string): Promise<string[]> {
      return page.locator(`[data-testid=library-row] [data-col=${col}]`).allInnerTexts();
    },
    /** Wait until the table says it holds `n` rows and they are rendered. */
    async waitForTotal(n: number, timeout = HANG_GUARD_MS) {
      await page.locator(`[data-testid=library-table][data-total="${n}"]`).waitFor({ timeout });
      await page.waitForFunction((k) => (globalThis as unknown as Doc).document.querySelectorAll('[data-testid=library-row]').length === k, n, { timeout, polling: 50 });
    },
    /** Wait for an app event whose detail matches `pred` (a plain object subset). */
    async waitForDetail(name: string, subset: Record<string, unknown>, after: number, timeout = HANG_GUARD_MS) {
      await page.waitForFunction(
        ([n, s, a]) =>
          (globalThis as unknown as Win).__studioEvents?.some(
            (e) => e.seq > a && e.name === n && Object.entries(s).every(([k, v]) => (e.detail as Record<string, unknown>)?.[k] === v),
          ) ?? false,
        [name, subset, after] as const,
        { timeout, polling: 50 },
      );
    },
    /** the share of a canvas' pixels that are not background */
    async inked(testId: string): Promise<number> {
      return page.getByTestId(testId).evaluate((c) => {
        const canvas = c as unknown as Canvas;
        const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i] + d[i + 1] + d[i + 2] > 150) n++;
        return n / (d.length / 4);
      });
    },
  };
}

/**
 * Fill the library database of `dataDir` (studio.sqlite, the engine's) to `n` rows: the scanned rows copied under
 * paths in `dir` that no file has (`v0003.wav` …, zero-padded to `pad` digits; titles "Copy i", or `title(i)`), so the
 * folder watcher sees no change. Reload the page afterwards. The scan must have left exactly 3 analysed rows.
 */
export function copyScannedRows(dataDir: string, dir: string, n: number, pad: number, title: (i: number) => string = (i) => `Copy ${i}`): void {
  const db = new Database(join(dataDir, 'studio.sqlite'));
  try {
    const rows = db.prepare("SELECT * FROM tracks WHERE lib_status = 'analysed'").all() as Record<string, unknown>[];
    assert.equal(rows.length, 3);
    const cols = Object.keys(rows[0]);
    const ins = db.prepare(`INSERT INTO tracks (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
    db.transaction(() => {
      for (let i = 3; i < n; i++) {
        const path = join(dir, `v${String(i).padStart(pad, '0')}.wav`);
        const r: Record<string, unknown> = { ...rows[i % 3], id: `r${randomBytes(9).toString('base64url')}`, path, real_path: path, file_name: `v${i}.wav`, title: title(i), title_sort: naturalKey(title(i)), file_name_sort: naturalKey(`v${i}.wav`) };
        // the library's text search reads the stored key (db/search-key.ts), as TracksRepo writes it for the new title and path
        const root = (db.prepare('SELECT path FROM library_folders WHERE id = ?').get(r.folder_id) as { path: string } | undefined)?.path ?? null;
        r.search_key = searchKey(r.title, r.artist, r.album, r.genre, r.file_name, r.path, root);
        // the sorts' tie-break and the Folder sort read the stored keys of the new path (natural-key.ts, migrations 13, 14)
        r.path_sort = naturalPathKey(path);
        r.folder_sort = naturalFolderKey(path, root);
        ins.run(...cols.map((c) => r[c]));
      }
    })();
  } finally {
    db.close();
  }
}
