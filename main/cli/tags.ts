/**
 * `studio tags write …`: the Library's Write tags… on the command line (tags34) — the analysed BPM and key written
 * into the files' own tags, for tracks of the data folder's library chosen by path (files or folders) or by crate.
 * The engine decides and writes, as for the dialog: library:tag-plan (which would be written, and why each other one
 * would not), then library:write-tags one file after another. Nothing here decides what is written.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mostUsedNotation, replacedText, toErrorData, type ErrorCode, type LibraryTrack, type MethodArgs, type MethodOutput } from '@contract';
import { DATA_FOLDER_IN_USE_EXIT } from '../data-lock';
import type { EngineHost } from '../engine-host';
import { isInside } from '../engine/fs/paths';
import { shownPath, shownText } from './analyze-text';
import { crateTracks, findCrate } from './crate';
import { onCtrlC } from './interrupt';

type KeyNotation = MethodArgs<'library:write-tags'>['keyNotation'];
type Written = MethodOutput<'library:write-tags'>;

/** the key notations, as the Write tags… dialog offers them (renderer state/tag-write.svelte.ts NOTATIONS) */
const NOTATIONS: Record<KeyNotation, string> = { standard: 'Am, F#', name: 'A minor', camelot: '8A', openkey: '1m' };

export const TAGS_USAGE = `Usage:
  studio tags write [PATHS…] [--crate NAME] [--bpm] [--key]
                    [--notation standard|name|camelot|openkey]
                    [--clear-conflicting] [--dry-run] [--json] [--data-dir DIR]
      Write the analysed BPM and key into the files' own tags, as the
      Library's Write tags… does (ID3v2 TBPM/TKEY in MP3, WAV and AIFF; Vorbis
      BPM/INITIALKEY in FLAC, Ogg Vorbis and Opus; tmpo/initialkey in M4A):
      the BPM as the app shows it (in its BPM range), the key in --notation:
      standard "Am", "F#" (default), name "A minor", camelot "8A", openkey "1m".
      The tracks: PATHS (files, or folders: every track below them, already
      in the library) and/or the tracks of crate NAME. --bpm or --key writes
      only that one (default both). A tempo or key the analysis is not sure of,
      or one that changes within the track, is not written; the file's own tag
      of it (another program's) is kept and named — --clear-conflicting
      removes it where it disagrees with our uncertain guess.
      --dry-run prints the plan and writes nothing: the tracks that would be
      written (under each, a value it would not get and why: "no key: …",
      and with --clear-conflicting the file's own tag it removes), why
      each other one would not, and apart the files whose layout the studio
      cannot write safely (RF64 or an unpadded chunk in a WAV, AIFF-C, an M4A
      with QuickTime metadata keys or fragments, a chained or cut-short Ogg):
      "will not be written: …". --json: the plan as one JSON object
      ({"writable": [{trackId, path, notWritten?: {bpm, key}, replaces?: {bpm,
      key}, removes?: {bpm, key}}], "refused":
      [{trackId, path, reason, layout?: true}]}); when writing, one JSON object per track (path, trackId and
      "written" {format, bpm, key, readBack, notWritten, kept, cleared,
      replaced, foreign}, "refused" (the reason) or "error" with "code").
      A BPM or key tag of the file's own (another program's) that names
      another tempo or key is replaced by ours, and named ("replaced").
      Each file is written into a copy beside it, read back and put in place;
      a file changed since its analysis (scan it again), read-only or gone is
      not written. Progress on stderr (a terminal); Ctrl+C stops after the
      file being written (exit 130).
      Exit code 1 when any file failed to be written or has a layout the
      studio cannot write (tracks with nothing to write are listed, not
      failures). Takes the data folder's lock as
      analyze --db does (75: in use by the app or studio serve); --dry-run
      then reads a copy of the library instead.`;

type Start = (dryRun: boolean) => Promise<EngineHost>;
const out = (s: string) => process.stdout.write(s + '\n');
const err = (s: string) => process.stderr.write(s + '\n');

class UsageError extends Error {}
class NotFound extends Error {}

/** Every library row, in path order (library:query pages of 2000). */
async function allTracks(engine: EngineHost): Promise<LibraryTrack[]> {
  const rows: LibraryTrack[] = [];
  for (;;) {
    const page = await engine.call('library:query', { offset: rows.length, limit: 2000, sort: { column: 'path', dir: 'asc' } });
    rows.push(...page.rows);
    if (!page.rows.length || rows.length >= page.total) return rows;
  }
}

/**
 * The tracks `tags write` works on: those of `paths` (each a file or folder, as given and as its real path: every
 * library row at or below it), in path order, then crate `crate`'s not already chosen, in crate order.
 * @throws NotFound naming each path that holds no library track, or an unknown crate
 */
export async function selectTracks(engine: EngineHost, paths: readonly string[], crate: string | undefined): Promise<LibraryTrack[]> {
  const chosen = new Map<string, LibraryTrack>();
  if (paths.length) {
    const rows = await allTracks(engine);
    const missing: string[] = [];
    const gone: string[] = [];
    for (const p of paths) {
      const given = resolve(p);
      let real = given;
      let exists = true;
      try {
        real = realpathSync(given);
      } catch {
        // a path that is gone may still be a library row's (its tags then cannot be written: the write says so)
        exists = false;
      }
      const found = rows.filter((t) => isInside(t.path, given) || isInside(t.path, real));
      if (!found.length) (exists ? missing : gone).push(p);
      for (const t of found) chosen.set(t.id, t);
    }
    if (missing.length || gone.length) {
      // a mistyped path is said to be one, not "no track of the library" (tester34: studio tags write nope.mp3)
      const list = (ps: string[]) => ps.map((p) => `"${shownPath(p)}"`).join(', ');
      const why = [
        gone.length ? `${list(gone)} ${gone.length === 1 ? 'does' : 'do'} not exist` : null,
        missing.length ? `${list(missing)} ${missing.length === 1 ? 'holds' : 'hold'} no track of the library` : null,
      ].filter(Boolean).join('; ');
      throw new NotFound(`${why}: nothing was written.${missing.length ? ' Add the folder in the app (or studio analyze FOLDER --data-dir DATA_DIR), then write the tags.' : ' Check the path.'}`);
    }
  }
  const byPath = [...chosen.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (crate === undefined) return byPath;
  const crates = await engine.call('crates:list', {});
  const c = findCrate(crates, crate);
  if (!c) throw new NotFound(`there is no crate named "${crate}"${crates.length ? ` (the crates: ${crates.map((x) => `"${x.name}"`).join(', ')})` : ' (there are no crates yet)'}.`);
  const inCrate = (await crateTracks(engine, c)).filter((t) => !chosen.has(t.id));
  return [...byPath, ...inCrate];
}

const replacedKinds = (r: { bpm: string | null; key: string | null } | undefined) => [r?.bpm ? 'tempo' : null, r?.key ? 'key' : null].filter((x) => x !== null).join(' and ');

/** What one write did, as the text output says it (indented lines under the file's path). */
export function writtenText(w: Written): string {
  const family = w.format === 'id3v2' ? 'ID3v2' : w.format === 'vorbis' ? 'Vorbis comment' : 'MP4';
  const values = [w.bpm !== null ? `BPM ${w.bpm}` : null, w.key !== null ? `key ${w.key}` : null].filter((x) => x !== null);
  const removed = [w.cleared?.bpm ? `BPM tag "${w.cleared.bpm}"` : null, w.cleared?.key ? `key tag "${w.cleared.key}"` : null].filter((x) => x !== null);
  const lines = [`  written     ${values.length ? `${values.join(', ')} (${family})` : 'no value of ours'}`];
  if (removed.length) lines.push(`  removed     the file's own ${removed.join(' and ')}, which disagreed with our uncertain value`);
  // dj36: another program's value overwritten with ours is said, never replaced silently
  const replaced = replacedText(w.replaced);
  if (replaced) lines.push(`  replaced    the file's own ${replaced}, which named another ${replacedKinds(w.replaced)}`);
  for (const [what, why] of [['BPM', w.notWritten?.bpm], ['key', w.notWritten?.key]] as const) if (why) lines.push(`  no ${what.padEnd(9)}${why}`);
  for (const [what, v, conflict] of [['BPM', w.kept?.bpm, w.kept?.conflicts.bpm], ['key', w.kept?.key, w.kept?.conflicts.key]] as const) {
    if (v) lines.push(`  kept        the file's own ${what} tag "${v}"${conflict ? ', which disagrees with our uncertain guess (--clear-conflicting removes it)' : ''}`);
  }
  if (w.foreign) lines.push(`  note        ${w.foreign.text}`);
  return lines.join('\n');
}

/**
 * Run `studio tags <sub> …`; resolves with the exit code: 0, 1 (a file not written, a path or crate not found, an
 * engine error), 2 (the command line is wrong), 75 (the data folder is in use), 130 (cancelled with Ctrl+C). With
 * --json an error that stops the command is also `{"error": {"code", "message"}}` on stdout.
 */
export async function tagsCommand(argv: string[], start: Start): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help' || rest.includes('--help') || rest.includes('-h')) {
    out(TAGS_USAGE);
    return 0;
  }
  const dashdash = rest.indexOf('--');
  const json = (dashdash < 0 ? rest : rest.slice(0, dashdash)).includes('--json');
  const stop = (code: ErrorCode, message: string) => {
    if (json) out(JSON.stringify({ error: { code, message } }));
  };
  let engine: EngineHost | undefined;
  let cancelled = false;
  let offCtrlC = () => undefined as void;
  try {
    if (sub !== 'write') throw new UsageError(`unknown tags command "${sub}" (studio tags write …)`);
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        crate: { type: 'string' },
        bpm: { type: 'boolean' },
        key: { type: 'boolean' },
        notation: { type: 'string' },
        'clear-conflicting': { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
      },
    });
    if (!positionals.length && values.crate === undefined) throw new UsageError('name the tracks: files or folders of the library, or --crate NAME');
    if (positionals.includes('')) throw new UsageError('a path was given empty (an unset variable in a script?)');
    if (values.crate !== undefined && !values.crate.trim()) throw new UsageError('--crate needs the crate\'s name');
    // "Camelot", "OpenKey", "Open-Key" as typed from the dialog's labels (tester34: only lower case was taken)
    let notation = (values.notation ?? 'standard').trim().toLowerCase().replace(/[\s_-]/g, '') as KeyNotation;
    if (!(notation in NOTATIONS)) {
      throw new UsageError(`--notation must be ${Object.entries(NOTATIONS).map(([n, e]) => `${n} (${e})`).join(', ')}; got "${values.notation}"`);
    }
    // --bpm or --key alone: that one; neither (or both): both
    const want = values.bpm || values.key ? { bpm: !!values.bpm, key: !!values.key } : { bpm: true, key: true };
    const clearConflicting = !!values['clear-conflicting'];
    const dryRun = !!values['dry-run'];
    engine = await start(dryRun);
    const tracks = await selectTracks(engine, positionals, values.crate);
    const byId = new Map(tracks.map((t) => [t.id, t]));
    if (!tracks.length) {
      if (json && dryRun) out(JSON.stringify({ writable: [], refused: [] }));
      err(`studio: the crate "${values.crate}" has no tracks: nothing to write.`);
      return 0;
    }
    const tty = process.stderr.isTTY;
    if (tty) process.stderr.write(`\r\x1b[KChecking ${tracks.length} ${tracks.length === 1 ? 'track' : 'tracks'}…`);
    const plan = await engine.call('library:tag-plan', { trackIds: tracks.map((t) => t.id), ...want, clearConflicting });
    if (tty) process.stderr.write('\r\x1b[K');
    // without --notation, the notation most of the files' own key tags are in, as the dialog starts in (tester37: a
    // Mixed In Key library's "8A" rewritten "Am")
    const fromFiles = values.notation === undefined ? mostUsedNotation(plan.keyNotations) : null;
    if (fromFiles) notation = fromFiles;
    const reasons = new Map(plan.refused.map((r) => [r.trackId, r.reason]));
    const layout = plan.refused.filter((r) => r.layout);
    const others = plan.refused.filter((r) => !r.layout);
    const path = (id: string) => byId.get(id)!.path;
    const partial = new Map((plan.partial ?? []).map((p) => [p.trackId, p.notWritten]));
    const removes = new Map((plan.partial ?? []).flatMap((p) => (p.removes ? [[p.trackId, p.removes] as const] : [])));
    const replaces = new Map((plan.replaces ?? []).map((p) => [p.trackId, p.replaced]));
    if (dryRun) {
      if (json) {
        out(JSON.stringify({ writable: plan.writable.map((trackId) => ({ trackId, path: path(trackId), ...(partial.has(trackId) ? { notWritten: partial.get(trackId) } : {}), ...(replaces.has(trackId) ? { replaces: replaces.get(trackId) } : {}), ...(removes.has(trackId) ? { removes: removes.get(trackId) } : {}) })), refused: plan.refused.map((r) => ({ trackId: r.trackId, path: path(r.trackId), reason: r.reason, ...(r.layout ? { layout: true } : {}) })) }));
        return 0;
      }
      const what = want.bpm && want.key ? 'BPM and key' : want.bpm ? 'the BPM' : 'the key';
      out(`Would write ${what}${want.key ? ` (key as ${notation}: ${NOTATIONS[notation]}${fromFiles ? ", as the files' own key tags are written" : ''})` : ''} into ${plan.writable.length} of ${tracks.length} ${tracks.length === 1 ? 'file' : 'files'}${clearConflicting ? ', removing the file\'s own tags that disagree with our uncertain values' : ''}:`);
      for (const id of plan.writable) {
        out(`  ${shownPath(path(id))}`);
        // a value asked for that this file would not get, with why, as the write reports it ("no key …")
        const left = partial.get(id);
        for (const [what, why] of [['BPM', left?.bpm], ['key', left?.key]] as const) if (why) out(`      no ${what}: ${shownText(why)}`);
        // another program's tempo or key that ours would replace (dj36: said before, not only after)
        const r = replaces.get(id);
        if (r) out(`      replaces the file's own ${replacedText(r)}, which ${r.bpm && r.key ? 'name' : 'names'} another ${replacedKinds(r)}`);
        // its own tag of a value not written, taken off (--clear-conflicting): said as removed, not only as not written
        const gone = removes.get(id);
        if (gone) out(`      removes the file's own ${replacedText(gone)}: ${gone.bpm && gone.key ? 'they disagree with our uncertain values' : 'it disagrees with our uncertain value'}`);
      }
      if (others.length) {
        out(`Would not write ${others.length}:`);
        for (const r of others) out(`  ${shownPath(path(r.trackId))}\n      ${shownText(r.reason)}`);
      }
      // tags39: the files whose layout the write refuses at the file (RF64, AIFF-C, a chained Ogg…), found by the same
      // checks and counted apart — the plan listed them as written, then the write refused each
      if (layout.length) {
        out(`Will not be written, ${layout.length} (${layout.length === 1 ? "the file's layout, which the studio cannot write safely" : "the files' layout, which the studio cannot write safely"}):`);
        for (const r of layout) out(`  ${shownPath(path(r.trackId))}\n      will not be written: ${shownText(r.reason)}`);
      }
      out('Nothing was written (--dry-run).');
      return 0;
    }
    offCtrlC = onCtrlC({
      first: () => (cancelled = true),
      stopping: `${process.stderr.isTTY ? '\r\x1b[K' : ''}studio: stopping after the file being written (Ctrl+C again to stop at once)…`,
    });
    let written = 0;
    let failed = 0;
    let done = 0;
    let notStarted = 0;
    const total = plan.writable.length;
    for (const t of tracks) {
      const reason = reasons.get(t.id);
      if (reason !== undefined) {
        if (tty) process.stderr.write('\r\x1b[K');
        const atLayout = layout.some((r) => r.trackId === t.id);
        out(json ? JSON.stringify({ trackId: t.id, path: t.path, refused: reason, ...(atLayout ? { layout: true } : {}) }) : `${shownPath(t.path)}\n  not written ${shownText(reason)}`);
        continue;
      }
      if (cancelled) {
        notStarted++;
        continue;
      }
      if (tty) process.stderr.write(`\r\x1b[K${done + 1}/${total} ${shownPath(t.fileName)}`.slice(0, 200));
      try {
        const w = await engine.call('library:write-tags', { trackId: t.id, keyNotation: notation, ...want, clearConflicting });
        written++;
        if (tty) process.stderr.write('\r\x1b[K');
        out(json ? JSON.stringify({ trackId: t.id, path: t.path, written: w }) : `${shownPath(t.path)}\n${writtenText(w)}`);
      } catch (e) {
        const d = toErrorData(e);
        if (d.code === 'ENGINE_CRASHED' || d.code === 'ENGINE_UNAVAILABLE') throw e;
        failed++;
        if (tty) process.stderr.write('\r\x1b[K');
        out(json ? JSON.stringify({ trackId: t.id, path: t.path, error: d.message, code: d.code }) : `${shownPath(t.path)}\n  failed      ${shownText(d.message)}`);
      }
      done++;
    }
    if (tty) process.stderr.write('\r\x1b[K');
    // refused for any reason (not analysed, nothing sure, a format without such tags: a tracker module), each said above;
    // a file whose layout the studio cannot write counted apart (tags39), and as failed for the exit code, as it was
    // when the write itself found it
    const nothing = (others.length ? `; ${others.length} not written (why: above)` : '') + (layout.length ? `; ${layout.length} not written for ${layout.length === 1 ? "its file's layout" : "their files' layout"} (above)` : '');
    if (cancelled) {
      err(`studio: cancelled: ${written} of ${total} files written${failed ? `, ${failed} failed` : ''}; ${notStarted} not started, left as they were${nothing}.`);
      return 130;
    }
    if (total === 0) err('studio: nothing written (why, for each file: above).');
    else err(`studio: ${written} of ${total} ${total === 1 ? 'file' : 'files'} written${failed ? `, ${failed} failed (above)` : ''}${nothing}.`);
    return failed || layout.length ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
      const message = `${e.message.split('. ')[0].replace(/\.$/, '').replace(/^Unknown option/, 'unknown option')}.`;
      stop('BAD_ARGS', message);
      err(`studio: ${shownText(message)}\n\n${TAGS_USAGE}`);
      return 2;
    }
    if (e instanceof NotFound) {
      stop('NOT_FOUND', e.message);
      err(`studio: ${e.message}`);
      return 1;
    }
    const d = toErrorData(e);
    stop(d.code, d.message);
    err(`studio: ${d.message}`);
    return d.code === 'DATA_FOLDER_IN_USE' ? DATA_FOLDER_IN_USE_EXIT : 1;
  } finally {
    await engine?.stop();
    offCtrlC();
  }
}
