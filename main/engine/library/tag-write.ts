/**
 * Writing the analysed tempo and key back into a file's own tags, on the
 * user's request, as DJ software does (rekordbox, Mixxx, Mixed In Key):
 *
 * | container | tag | BPM | key |
 * |---|---|---|---|
 * | MP3, AIFF, WAV (RIFF `id3 ` chunk) | ID3v2 (version kept; 2.3 when new) | `TBPM`, whole number (the ID3 spec's numeric string) | `TKEY` |
 * | FLAC, Ogg Vorbis, Opus | Vorbis comment | `BPM` (also `TEMPO` when the file has one), whole number | `INITIALKEY` |
 * | M4A / MP4 audio | iTunes `ilst` | `tmpo` (16-bit integer) | `----:com.apple.iTunes:initialkey` |
 *
 * The tag library is node-taglib-sharp (a TypeScript port of TagLib#): it
 * rewrites only the tag block, keeps every frame, field and atom it does not
 * touch (cover art, unknown frames, ReplayGain, other chunks), and never
 * touches the audio bytes (the tests check the decoded audio's hash before
 * and after, per format).
 *
 * Safety, in order: the file must be the one analysed (same size and mtime
 * as stored, FILE_CHANGED otherwise: scan again first); a file or folder
 * without write permission bits is READ_ONLY (checked on the mode, so the
 * user's read-only mark holds even for an administrator); the tags are
 * written into a copy in the same folder (`.<name>.studio-tags-<random>.tmp`),
 * its audio checked against the file's (an MP3 or FLAC first byte for byte
 * outside its tags, media/structure.ts sameAudioBytes; else, or when those
 * differ, audioUnchanged: the same audio packets, streams and duration as
 * ffmpeg demuxes them, else AUDIO_CHANGED and the copy is discarded —
 * whatever layout the tag library mishandles, named or not), its tags read back and checked, fsynced, then renamed over the file (atomic on one
 * file system) and the folder fsynced. Were the file changed meanwhile, the
 * copy is deleted and nothing is replaced. A failure at any step leaves the
 * original file as it was. A symlink's target is what is written (the link
 * stays); a file with several hard links is refused (the rename would split
 * it from its other names); writes of one file run one after another. A copy
 * left by a write that was killed part way is removed by the next write of
 * that file (removeStaleCopies) and by the next library walk that meets it —
 * every scan, and the catch-up at each start (job.ts collect: removeStaleCopy).
 *
 * mtime: the written file has a new modification time (it did change; backup
 * and sync tools must see that). The library records the new size and mtime
 * and the tags read again, so the file is not analysed again (its audio is
 * unchanged); the mode bits are copied.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { createRequire } from 'node:module';
import { copyFile, lstat, open, readdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseFile, type IAudioMetadata } from 'music-metadata';
import type taglib from 'node-taglib-sharp';
import type { File as TaglibFile, Id3v2Tag, Mpeg4AppleTag, XiphComment } from 'node-taglib-sharp';
import { StudioError, type MethodArgs } from '@contract';

/** how a key is written (library:write-tags' keyNotation) */
export type KeyNotation = MethodArgs<'library:write-tags'>['keyNotation'];
import { camelot, keyName, openKey, parseKey, tonicName } from '../analysis/keys';
import { audioPackets, type AudioPackets } from '../media/ffmpeg';
import { containerFamily } from '../media/playable';
import { paddedWavTags } from '../media/riff';
import { mp4TagRefusal, sameAudioBytes, structureOf, truncationText } from '../media/structure';
import { mmContainerName, TAG_LABEL, tempoKeyTagsAsWritten } from '../media/tags';

let tagLibLoaded: typeof taglib | undefined;

/** node-taglib-sharp, loaded and set up at the first tag write, not when the engine starts (~0.15 s of CPU that analysis never needs) */
function tagLib(): typeof taglib {
  if (tagLibLoaded) return tagLibLoaded;
  const lib = createRequire(import.meta.url)('node-taglib-sharp') as typeof taglib;
  const { TagTypes, MpegAudioFileSettings, WaveFileSettings, FlacFileSettings, Id3v2Settings } = lib;
  // Only the tag asked for is created: no ID3v1 added to an MP3, no RIFF INFO to a WAV.
  MpegAudioFileSettings.defaultTagTypes = TagTypes.None;
  WaveFileSettings.defaultTagTypes = TagTypes.None;
  FlacFileSettings.defaultTagTypes = TagTypes.None;
  // a new ID3v2 tag (WAV, AIFF, an untagged MP3) is 2.3, which every player reads; an existing one keeps its version
  Id3v2Settings.defaultVersion = 3;
  return (tagLibLoaded = lib);
}

/** The copy a tag write makes beside the file (`.<name>.studio-tags-<8 hex>.tmp`): never a library track (job.ts skips it). */
export const isTagWriteTemp = (path: string): boolean => /^\..+\.studio-tags-[0-9a-f]{8}\.tmp$/.test(basename(path));

/** Where the values go in a file: the tag family and the node-taglib-sharp file type (by content, not by the file name). */
export type TagFormat = 'id3v2' | 'vorbis' | 'mp4';

/**
 * The tag family and taglib MIME type for a probed file (container as probe
 * names it, realContainer, or ffmpeg's family name; audio codec), or null when tags cannot be written there (video,
 * WMA, Matroska, raw AAC/AC-3…).
 */
export function tagTarget(container: string, codec: string | undefined, hasVideo: boolean): { format: TagFormat; mime: string } | null {
  if (hasVideo) return null;
  const c = container.toLowerCase();
  if (c === 'mp3') return { format: 'id3v2', mime: 'taglib/mp3' };
  if (c === 'wav') return { format: 'id3v2', mime: 'taglib/wav' };
  if (c === 'aiff') return { format: 'id3v2', mime: 'taglib/aiff' };
  if (c === 'flac') return { format: 'vorbis', mime: 'taglib/flac' };
  // Ogg FLAC is left out: node-taglib-sharp 5 reads it as "Unknown Ogg codec" (tester4)
  if (c === 'ogg') return codec === 'vorbis' || codec === 'opus' ? { format: 'vorbis', mime: codec === 'opus' ? 'taglib/opus' : 'taglib/ogg' } : null;
  if (containerFamily(c) === 'mp4' || c === 'ipod') return { format: 'mp4', mime: 'taglib/m4a' };
  return null;
}

/**
 * A key name as stored ("A minor", "Eb major") in the chosen notation:
 * `standard` "Am" / "Eb" (the ID3 TKEY form), `name` "A minor", `camelot`
 * "8A", `openkey` "1m". null for a name that is not a key.
 */
export function keyIn(name: string, notation: KeyNotation): string | null {
  const k = parseKey(name);
  if (!k) return null;
  if (notation === 'camelot') return camelot(k);
  if (notation === 'openkey') return openKey(k);
  if (notation === 'name') return keyName(k);
  return tonicName(k) + (k.mode === 'minor' ? 'm' : '');
}

/**
 * The notation a key tag's text is written in, as `keyIn` writes each: `camelot` "8A" (Mixed In Key, rekordbox's
 * option), `openkey` "1m" (Traktor's Open Key), `name` "A minor" (the mode spelled out: "A Minor", "Amaj"), `standard`
 * "Am", "F#", "Eb" (the ID3 TKEY form); null for a text that is none of these alone (a key in two notations, "8A/Am";
 * "Energy 6"; empty). Read from the text only: whether it names a key is parseTaggedKey's (media/tags.ts). Pure.
 */
export function keyNotationOf(text: string): KeyNotation | null {
  const t = text.trim();
  if (/^(0?[1-9]|1[0-2])\s*[AB]$/i.test(t)) return 'camelot';
  if (/^(0?[1-9]|1[0-2])\s*[dm]$/i.test(t)) return 'openkey';
  if (/^[A-G]\s*([#b\u266f\u266d]|sharp|flat)?\s*(major|minor|maj|min|dur|moll)$/i.test(t)) return 'name';
  if (/^[A-G][#b\u266f\u266d]?m?$/.test(t)) return 'standard';
  return null;
}

/**
 * BPM text for a tag: a whole number ("128") in every family. ID3 TBPM (a
 * numeric string by the spec) and MP4 tmpo (an integer) hold nothing else,
 * and a Vorbis comment gets the same so every reader agrees (music-metadata,
 * for one, cuts "127.9" to 127).
 */
export function bpmText(bpm: number, _format: TagFormat): string {
  return String(Math.round(bpm));
}

/** whether music-metadata's native tag format `f` ("vorbis", "ID3v2.3", "iTunes", "APEv2", …) is the one a TagFormat writes */
const OWN_FORMAT: Record<TagFormat, (f: string) => boolean> = {
  vorbis: (f) => f === 'vorbis',
  id3v2: (f) => f.startsWith('ID3v2'),
  mp4: (f) => f === 'iTunes',
};

/** the TagFormat a music-metadata container ("FLAC", "Ogg", "MPEG", "WAVE", "AIFF", "M4A/isom/…": tags.ts mmContainerName) is written in; null: none */
function formatOfContainer(container: string | undefined): TagFormat | null {
  const c = mmContainerName(container);
  if (c === 'flac' || c === 'ogg') return 'vorbis';
  if (c === 'mp3' || c === 'wav' || c === 'aiff') return 'id3v2';
  return c === 'mp4' ? 'mp4' : null;
}

/**
 * What a file's tags hold for tempo and key, as stored ("128.00", "8A"), in the tag family a write of `format` writes
 * (its own: Vorbis comment for FLAC/Ogg, ID3v2 for MP3/WAV/AIFF, iTunes atoms for MP4; by default the family of the
 * file's container) — the tag Write tags writes, keeps, removes and reads back. Read as the library reads a file's
 * tempo and key (media/tags.ts tempoKeyTags: the same frames, ranked by tagFormatRank and BPM_IDS / KEY_IDS; a BPM
 * outside 20–999 is none), restricted to that family; null where absent. `foreign`: present only where another tag
 * format in the file (an ID3v2 prepended to a FLAC, an APEv2 in an MP3) states a BPM or key the own tag does not
 * (another value, or the own tag has none): its values as written (null: it agrees or states none) and `source`,
 * the formats' names as a user reads them ("ID3v2.3", "APEv2"). A write never touches it.
 * @throws what music-metadata's parseFile throws (a file it cannot read)
 */
export async function readBpmKey(
  path: string,
  format?: TagFormat,
): Promise<{ bpm: string | null; key: string | null; foreign?: { bpm: string | null; key: string | null; source: string } }> {
  const meta = await parseFile(path, { duration: false, skipCovers: true });
  const own = OWN_FORMAT[format ?? formatOfContainer(meta.format.container) ?? 'id3v2'];
  const part = (mine: boolean) => {
    const native = Object.fromEntries(Object.entries(meta.native).filter(([f]) => own(f) === mine));
    return { formats: Object.keys(native), read: tempoKeyTagsAsWritten({ ...meta, native, common: {} } as IAudioMetadata) };
  };
  const mine = part(true).read;
  const out: Awaited<ReturnType<typeof readBpmKey>> = { bpm: mine.bpmText ?? null, key: mine.keyText ?? null };
  const other = part(false);
  const fBpm = other.read.bpm !== undefined && other.read.bpm !== mine.bpm ? other.read.bpmText! : null;
  const fKey = other.read.keyText !== undefined && (other.read.key ?? other.read.keyText) !== (mine.key ?? mine.keyText) ? other.read.keyText : null;
  if (fBpm !== null || fKey !== null) {
    const states = (f: string) => {
      const one = tempoKeyTagsAsWritten({ ...meta, native: { [f]: meta.native[f] }, common: {} } as IAudioMetadata);
      return one.bpm !== undefined || one.keyText !== undefined;
    };
    const sources = other.formats.filter(states).map((f) => TAG_LABEL[f] ?? f);
    out.foreign = { bpm: fBpm, key: fKey, source: sources.join(', ') };
  }
  return out;
}

/**
 * A tag write's read-back: readBpmKey of the written copy `copy` in the family written (`format`), as a player reads
 * it. music-metadata may throw on a copy whose audio was checked intact (its own bug, a frame it cannot parse: a bare
 * TypeError, "Cannot read properties of undefined…"): that is said in words — what failed, that the file was left
 * untouched — with the reader's own message after them (tags39). `name`: the file's name for the message; `read`:
 * the reader (readBpmKey; a unit test passes one that throws).
 * @throws StudioError UNREADABLE where the reader throws; a StudioError it throws (CANCELLED…) unchanged
 */
export async function readBack(copy: string, format: TagFormat, name: string, read: typeof readBpmKey = readBpmKey): ReturnType<typeof readBpmKey> {
  try {
    return await read(copy, format);
  } catch (e) {
    if (e instanceof StudioError) throw e;
    const said = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
    throw new StudioError('UNREADABLE', `The tags written into "${name}" could not be read back to check them: the tag reader failed on the written copy (${said}). The file was left untouched (the copy was discarded); its tags were not written.`);
  }
}

export interface TagWriteInput {
  path: string;
  /** what the library stored when it analysed the file */
  stored: { size: number; mtimeMs: number };
  target: { format: TagFormat; mime: string };
  /** values to write (null: leave that tag alone) */
  bpm: string | null;
  key: string | null;
  /**
   * remove the file's own BPM / key tag (where its value is null): TBPM / TKEY frames, Vorbis BPM, TEMPO and
   * INITIALKEY fields, MP4 tmpo and ----:com.apple.iTunes:initialkey; only on the user's request (library:write-tags'
   * clearConflicting)
   */
  clear?: { bpm: boolean; key: boolean };
  /**
   * Called synchronously as soon as the file is replaced, with its new size
   * (bytes) and mtime (ms): the caller records them at once, before the
   * folder watcher's debounce runs out, so the change is not taken for an
   * edit made elsewhere (which would analyse the file again). `dev` and `ino`:
   * the new file's device and inode numbers (the copy renamed over the file is
   * another inode: the library's file identity, tracks.lib_file_id, follows it).
   */
  onReplaced?: (file: { size: number; mtimeMs: number; dev: number; ino: number }) => void;
}

/** What was written, and the file as it is now. */
export interface TagWriteDone {
  format: TagFormat;
  bpm: string | null;
  key: string | null;
  size: number;
  mtimeMs: number;
}

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

/** the user's read-only mark (no write bit for anyone) or a denied write, as READ_ONLY; other errors unchanged */
function readOnly(what: 'file' | 'folder', path: string): StudioError {
  return new StudioError(
    'READ_ONLY',
    what === 'file'
      ? `"${basename(path)}" is read-only, so its tags were not written. Allow writing to it (file permissions or the read-only attribute) and try again.`
      : `The folder "${dirname(path)}" is read-only, so the tags of "${basename(path)}" were not written (they are written into a copy beside the file first). Allow writing to the folder and try again.`,
  );
}

/** the write in progress per real path: writes of one file run one after another */
const writing = new Map<string, Promise<unknown>>();

/**
 * Write BPM and/or key into `path`'s tags safely (see the file's comment).
 * A path through a symlink writes the linked file (the link stays a link);
 * a file with several hard links is refused (renaming a copy over one name
 * would split it from the others); writes of one file in this process run
 * one after another, so a second one sees the first's file (FILE_CHANGED
 * when its `stored` size/mtime are those from before).
 * @throws StudioError FILE_CHANGED (not the analysed file, or changed during
 *   the write), READ_ONLY, NOT_FOUND, UNSUPPORTED (hard-linked, AIFF-C, RF64, a WAV chunk without its pad byte, a chained Ogg, QuickTime metadata keys, a fragmented MP4), UNREADABLE
 *   (the tag library could not read the file's structure: nothing written),
 *   AUDIO_CHANGED (the copy's audio packets, audio streams or duration differ from the file's, or ffmpeg cannot open
 *   the copy: nothing replaced), INTERNAL (the read-back disagreed: nothing replaced), UNREADABLE (the tag library
 *   could not read the file, an Ogg cut short, or the copy's tags could not be read back: nothing replaced).
 */
export async function writeTagsSafely(input: TagWriteInput): Promise<TagWriteDone> {
  const real = await realpath(input.path).catch((e) => {
    throw errno(e) === 'ENOENT' ? new StudioError('NOT_FOUND', `"${basename(input.path)}" is no longer there, so its tags were not written.`) : e;
  });
  const run = (writing.get(real) ?? Promise.resolve()).catch(() => undefined).then(() => writeOnce(input, real));
  writing.set(real, run);
  try {
    return await run;
  } finally {
    if (writing.get(real) === run) writing.delete(real);
  }
}

/** writeTagsSafely on the resolved file `path` (`input.path` names it in messages) */
async function writeOnce(input: TagWriteInput, path: string): Promise<TagWriteDone> {
  const { stored, target } = input;
  const dir = dirname(path);
  const st = await stat(path).catch((e) => {
    throw errno(e) === 'ENOENT' ? new StudioError('NOT_FOUND', `"${basename(input.path)}" is no longer there, so its tags were not written.`) : e;
  });
  if (st.size !== stored.size || st.mtimeMs !== stored.mtimeMs) {
    throw new StudioError('FILE_CHANGED', `"${basename(input.path)}" changed since it was analysed, so its tags were not written. Scan its folder again, then write the tags.`);
  }
  if (st.nlink > 1) {
    throw new StudioError('UNSUPPORTED', `"${basename(input.path)}" has ${st.nlink} hard links (names for one file), so its tags were not written: the studio writes into a copy and puts it in place, which would split this name from the others. Nothing was changed.`);
  }
  if ((st.mode & 0o222) === 0) throw readOnly('file', path);
  const layout = await layoutRefusal(path, target, basename(input.path));
  if (layout) throw layout;
  const dst = await stat(dir);
  if ((dst.mode & 0o222) === 0) throw readOnly('folder', path);

  await removeStaleCopies(path);
  const tmp = join(dir, `.${basename(path)}.studio-tags-${randomBytes(4).toString('hex')}.tmp`);
  let renamed = false;
  // this process's copy, never swept meanwhile (removeStaleCopy): a clone (COPYFILE_FICLONE; macOS's clonefile) may
  // start with the file's own old mtime
  copiesMaking.add(tmp);
  // the file's audio, demuxed while the copy is made and written (the check after the write compares the copy's); an MP3
  // or FLAC is first compared byte for byte outside its tags (sameAudioBytes), and ffmpeg asked only when that fails
  const stopCheck = new AbortController();
  const byBytes = target.mime === 'taglib/mp3' ? 'mp3' : target.mime === 'taglib/flac' ? 'flac' : null;
  let before: Promise<AudioPackets> | null = null;
  const packetsBefore = (): Promise<AudioPackets> => (before ??= audioPackets(path, stopCheck.signal));
  if (!byBytes) packetsBefore().catch(() => undefined);
  try {
    await copyFile(path, tmp, constants.COPYFILE_FICLONE).catch((e) => {
      throw ['EACCES', 'EPERM', 'EROFS'].includes(errno(e) ?? '') ? readOnly('folder', path) : e;
    });
    const { File: TagFile, TagTypes, Id3v2FrameIdentifiers, Id3v2TagHeaderFlags } = tagLib();
    const clear = { bpm: input.bpm === null && !!input.clear?.bpm, key: input.key === null && !!input.clear?.key };
    let file: TaglibFile;
    try {
      file = TagFile.createFromPath(tmp, target.mime);
    } catch (e) {
      // an Ogg page header that runs past the end of the file: node-taglib-sharp's words for a file cut short (tags39)
      if (/page header must be at least/.test((e as Error).message)) {
        throw new StudioError('UNREADABLE', `"${basename(input.path)}" is cut short or damaged: an Ogg page of it ends before its header does, so its tags were not written. Copy it again from its source, then scan its folder again. Nothing was changed.`);
      }
      throw new StudioError('UNREADABLE', `The tags of "${basename(path)}" cannot be written: its ${target.format === 'mp4' ? 'MP4' : target.format === 'vorbis' ? 'FLAC/Ogg' : 'ID3'} structure could not be read (${(e as Error).message}). Nothing was changed.`);
    }
    try {
      if (target.format === 'vorbis') {
        const x = file.getTag(TagTypes.Xiph, true) as XiphComment;
        if (input.bpm !== null) {
          x.setFieldAsStrings('BPM', input.bpm);
          // a TEMPO field (TagLib's own choice) would otherwise keep an older value beside it
          if (x.getField('TEMPO').length) x.setFieldAsStrings('TEMPO', input.bpm);
        }
        if (input.key !== null) x.setFieldAsStrings('INITIALKEY', input.key);
        if (clear.bpm) for (const f of ['BPM', 'TEMPO']) x.removeField(f);
        if (clear.key) x.removeField('INITIALKEY');
      } else if (target.format === 'mp4') {
        // beatsPerMinute → tmpo, initialKey → ----:com.apple.iTunes:initialkey
        const a = file.getTag(TagTypes.Apple, true) as Mpeg4AppleTag;
        if (input.bpm !== null) a.beatsPerMinute = Number(input.bpm);
        if (input.key !== null) a.initialKey = input.key;
        if (clear.bpm) a.beatsPerMinute = 0; // 0 removes the tmpo atom
        if (clear.key) a.initialKey = undefined as unknown as string; // no value removes the atom
      } else {
        const had = file.getTag(TagTypes.Id3v2, false) as Id3v2Tag | undefined;
        const t = file.getTag(TagTypes.Id3v2, true) as Id3v2Tag;
        if (!had?.frames.length) {
          // a new tag is ID3v2.3 in every container (tester29a): node-taglib-sharp makes a WAV's ID3v2.4 with a footer
          // and an AIFF's ID3v2.2 (three-letter frames, TBP/TKE; an AIFF without a tag reads as an empty 2.2 one)
          // past Id3v2Settings.defaultVersion
          t.version = 3;
          t.flags &= ~Id3v2TagHeaderFlags.FooterPresent;
        }
        if (input.bpm !== null) t.beatsPerMinute = Number(input.bpm);
        if (input.key !== null) t.initialKey = input.key;
        if (clear.bpm) t.removeFrames(Id3v2FrameIdentifiers.TBPM);
        if (clear.key) t.removeFrames(Id3v2FrameIdentifiers.TKEY);
      }
      file.save();
    } finally {
      file.dispose();
    }
    // the audio first: a copy the library damaged may not even read back (music-metadata throws on it)
    if (!byBytes || !(await sameAudioBytes(path, tmp, byBytes))) await audioUnchanged(basename(input.path), packetsBefore(), tmp, stopCheck.signal);
    // read back what a player will read
    const back = await readBack(tmp, target.format, basename(input.path));
    const same = (a: string | null, b: string | null) => a === null || (b !== null && (Number.isFinite(Number(a)) ? Number(a) === Number(b) : a === b));
    if (!same(input.bpm, back.bpm) || !same(input.key, back.key) || (clear.bpm && back.bpm !== null) || (clear.key && back.key !== null)) {
      throw new StudioError('INTERNAL', `The tags written into "${basename(path)}" read back as BPM ${back.bpm ?? 'none'}, key ${back.key ?? 'none'} instead of ${input.bpm ?? '–'}, ${input.key ?? '–'}; the file was left as it was.`);
    }
    const fh = await open(tmp, 'r+');
    let written: { size: number; mtimeMs: number; dev: number; ino: number };
    try {
      await fh.sync();
      // what the file will be after the rename (a rename keeps size, mtime and inode)
      const ts = await fh.stat();
      written = { size: ts.size, mtimeMs: ts.mtimeMs, dev: ts.dev, ino: ts.ino };
    } finally {
      await fh.close();
    }
    const now = await stat(path);
    if (now.size !== st.size || now.mtimeMs !== st.mtimeMs || now.ino !== st.ino) {
      throw new StudioError('FILE_CHANGED', `"${basename(path)}" changed while its tags were being written; it was left as it is now. Try again.`);
    }
    await rename(tmp, path);
    renamed = true;
    input.onReplaced?.(written);
    await syncDir(dir);
    return { format: target.format, bpm: input.bpm, key: input.key, size: written.size, mtimeMs: written.mtimeMs };
  } catch (e) {
    if (['EACCES', 'EPERM', 'EROFS'].includes(errno(e) ?? '')) throw readOnly('file', path);
    throw e;
  } finally {
    stopCheck.abort();
    if (!renamed) await unlink(tmp).catch(() => undefined);
    copiesMaking.delete(tmp);
  }
}

/**
 * Why the tags of the file at `path` (written as `target`) cannot be written, from its layout alone — the checks a write
 * makes before any copy, which library:tag-plan makes too, so the plan never lists as written a file the write then
 * refuses (tags39): an AIFF-C (node-taglib-sharp reads plain AIFF only); an RF64 WAV, or a WAV chunk of odd size
 * without its pad byte (wavLayoutRefusal); QuickTime metadata keys or fragments in an MP4 (structure.ts mp4TagRefusal);
 * a chained Ogg (several links, RFC 3533 §4), or an Ogg cut short inside its last page (which the tag library reads as
 * "page header must be at least 27 bytes"). MP3 and FLAC have no layout refused here: nothing is read for them.
 * Cost: the chunk/box headers and tag chunks (WAV, AIFF, MP4), the first and last 64 KiB of an Ogg (its pages walked
 * only where it is chained) — never the audio; test/bench/tag-plan-layout.ts measures it.
 * `name` is the file's name for the message (the path as the library knows it, not its link target).
 * @returns StudioError UNSUPPORTED (its message says what the file is and that nothing was changed), UNREADABLE (an
 *   Ogg cut short: damaged), or null where the layout is written as usual or the file cannot be read here (the write
 *   then says what it finds)
 */
export async function layoutRefusal(path: string, target: { format: TagFormat; mime: string }, name: string): Promise<StudioError | null> {
  const unsupported = (m: string) => new StudioError('UNSUPPORTED', m);
  try {
    const aifc = target.mime === 'taglib/aiff' ? await aifcCompression(path) : null;
    if (aifc !== null) {
      // node-taglib-sharp 5 reads AIFF only ("File form type is not AIFF"), whatever the AIFF-C holds
      return unsupported(`"${name}" is an AIFF-C file (${aifcWhat(aifc)}), whose tags the studio cannot write yet; plain AIFF, WAV, FLAC, MP3, Ogg and M4A files are written. Nothing was changed.`);
    }
    const wav = target.mime === 'taglib/wav' ? await wavLayoutRefusal(path) : null;
    if (wav === 'rf64') {
      // node-taglib-sharp 6.0.3 reads RIFF only ("File does not begin with RIFF identifier"): refused before the copy, by name
      return unsupported(`"${name}" is an RF64 file (the WAV format for audio past 4 GB, as DAWs and ffmpeg's -rf64 write it), whose tags the studio cannot write yet; plain WAV, AIFF, FLAC, MP3, Ogg and M4A files are written. Nothing was changed.`);
    }
    if (wav === 'unpadded') {
      return unsupported(`"${name}" has a chunk of odd size written without the pad byte WAV requires (a known bug of some writers), so its tags were not written: the tag library would read what follows it one byte off and damage the tags it keeps (its INFO title, artist…). Nothing was changed.`);
    }
    const mp4 = target.format === 'mp4' ? await mp4TagRefusal(path) : null;
    if (mp4 === 'keys') {
      // node-taglib-sharp 6.0.3 reads such a meta box as iTunes': in moov/udta it re-renders it broken ("The 'keys' atom
      // with the invalid key count": ffmpeg no longer opens the file, though the BPM and key read back), in moov it throws
      return unsupported(`"${name}" keeps its tags as QuickTime metadata keys (as iPhone recordings and ffmpeg's use_metadata_tags write them), which the tag library would damage, so its tags were not written: the file would no longer open. Nothing was changed.`);
    }
    if (mp4 === 'fragmented') {
      // node-taglib-sharp 6.0.3 grows the moov in front of the fragments and leaves their stated offsets: the audio read
      // after it is garbage (ffmpeg decodes nothing, or noise), though the BPM and key read back
      return unsupported(`"${name}" is a fragmented MP4 (as recorders, streamed downloads and ffmpeg writing to a pipe leave it), whose tags the studio cannot write: the tag library would move its audio away from where the file says it is. Nothing was changed.`);
    }
    if (target.mime === 'taglib/ogg' || target.mime === 'taglib/opus') {
      const st = await structureOf(path);
      // a file cut short: node-taglib-sharp reads its last page's header past the end and says only "Argument out of
      // range: page header must be at least 27 bytes" (tags39)
      if (st.truncated) return new StudioError('UNREADABLE', `"${name}" is cut short (${truncationText(st.truncated)}): the file is damaged, so its tags were not written. Copy it again from its source, then scan its folder again. Nothing was changed.`);
      // node-taglib-sharp 6.0.3 takes the last page for the first stream's and fails ("Cannot read properties of undefined
      // (reading 'setDuration')"): a chained Ogg file (RFC 3533 §4, as a stream recording or `cat a.ogg b.ogg` leaves it)
      // is refused by name
      const links = st.ogg?.links.length ?? 1;
      if (links > 1) return unsupported(`"${name}" is a chained Ogg file (${links} streams one after another, as a stream recording or joined files are), whose tags the studio cannot write: the tag library reads a file of one stream only. Nothing was changed.`);
    }
    return null;
  } catch {
    return null;
  }
}

/**
 * Throws unless the copy at `copy` holds the same audio as the file (`before`: its audioPackets, begun before the
 * write): the same audio streams, packets (bytes and timestamps) and so duration, as ffmpeg demuxes them. The tag
 * library rewrites only tags, yet on layouts it mishandles it has moved or garbled the audio while the BPM and key
 * read back (files38: a fragmented M4A decoded as nothing, QuickTime-keys M4A no longer opened); this catches any such
 * layout, named or not. `name`: the file's name for messages.
 * @throws StudioError AUDIO_CHANGED (the copy differs, or ffmpeg cannot open it: what differs), UNREADABLE (the file's
 *   own audio could not be demuxed, so nothing can vouch for the copy), FFMPEG_MISSING, CANCELLED
 */
async function audioUnchanged(name: string, before: Promise<AudioPackets>, copy: string, signal: AbortSignal): Promise<void> {
  const was = await before.catch((e: unknown) => {
    if (e instanceof StudioError && ['FFMPEG_MISSING', 'CANCELLED'].includes(e.code)) throw e;
    throw new StudioError('UNREADABLE', `The tags of "${name}" were not written: ffmpeg could not read its audio (${(e as Error).message}), which the written copy is checked against. Nothing was changed.`);
  });
  const fix = 'The studio will not write the tags of this file; write them with another tagger (kid3, Mp3tag, foobar2000) on a backup copy, then scan its folder again.';
  const now = await audioPackets(copy, signal).catch((e: unknown) => {
    if (e instanceof StudioError && ['FFMPEG_MISSING', 'CANCELLED'].includes(e.code)) throw e;
    throw new StudioError('AUDIO_CHANGED', `The tags of "${name}" were not written: after the tag library wrote them, ffmpeg could no longer open the file (${(e as Error).message}). Nothing was changed. ${fix}`);
  });
  if (now.digest === was.digest) return;
  const what =
    now.streams !== was.streams
      ? `${now.streams} audio ${now.streams === 1 ? 'stream' : 'streams'} instead of ${was.streams}`
      : Math.abs(now.durationS - was.durationS) >= 0.0005
        ? `audio lasting ${now.durationS.toFixed(3)} s instead of ${was.durationS.toFixed(3)} s`
        : now.packets !== was.packets
          ? `${now.packets} audio packets instead of ${was.packets}`
          : 'the same number of audio packets, but not the same audio';
  throw new StudioError('AUDIO_CHANGED', `The tags of "${name}" were not written: the tag library's copy of the file held ${what}, so it would have damaged the audio. Nothing was changed. ${fix}`);
}

/**
 * Why node-taglib-sharp (6.0.3) must not write the WAV at `path`, from its chunk layout (Microsoft RIFF; EBU Tech 3306 for
 * RF64): `rf64` (it reads RIFF only: the write fails), `unpadded` (a chunk or LIST/INFO sub-chunk of odd size written
 * without its pad byte, found by riff.ts paddedWavTags' tolerant rule: taglib assumes the pad, reads the chunks after it
 * one byte off and renders them so — an INFO "IART" "Someone" came back as a chunk "ART\x08" holding "omeone"), or
 * null (written as usual). Reads the chunk headers and the tag chunks, never the audio.
 */
async function wavLayoutRefusal(path: string): Promise<'rf64' | 'unpadded' | null> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const read = async (pos: number, len: number): Promise<Buffer> => {
      const b = Buffer.alloc(Math.max(0, Math.min(len, size - pos)));
      const { bytesRead } = await fh.read(b, 0, b.length, pos);
      return b.subarray(0, bytesRead);
    };
    if ((await read(0, 4)).toString('latin1') === 'RF64') return 'rf64';
    return (await paddedWavTags(read, size)) ? 'unpadded' : null;
  } finally {
    await fh.close();
  }
}

/**
 * An AIFF-C file's compression type, its COMM chunk's 4 characters after the sample rate (Apple's AIFF-C draft,
 * 1991: "NONE", "sowt", "fl32", "ima4", …); "" for an AIFF-C whose COMM was not found; null for a file that is not
 * AIFF-C (form type at bytes 8–12 other than "AIFC"). Reads the chunk headers up to COMM, never the audio.
 */
async function aifcCompression(path: string): Promise<string | null> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const b = Buffer.alloc(30);
    if ((await fh.read(b, 0, 12, 0)).bytesRead < 12 || b.toString('latin1', 8, 12) !== 'AIFC') return null;
    for (let at = 12; at + 8 <= size; ) {
      await fh.read(b, 0, 30, at);
      const n = b.readUInt32BE(4);
      if (b.toString('latin1', 0, 4) === 'COMM') return n >= 22 ? b.toString('latin1', 26, 30) : ''; // after channels (2), frames (4), bits (2), rate (10)
      at += 8 + n + (n & 1);
    }
    return '';
  } finally {
    await fh.close();
  }
}

/** what an AIFF-C compression type (aifcCompression) holds, in words, for a refusal */
function aifcWhat(type: string): string {
  if (type === 'sowt') return "plain little-endian PCM, 'sowt', as ffmpeg writes pcm_s16le to AIFF and Mac apps write it";
  if (type === 'NONE' || type === 'twos') return `plain PCM in the AIFF-C form, '${type}'`;
  if (/^(fl|FL)(32|64)$/.test(type)) return `${type.slice(2)}-bit floating-point audio, '${type}', as Logic and ffmpeg write it`;
  return type.trim() ? `compressed audio, '${type}'` : 'its COMM chunk not found';
}

/** a copy untouched this long is no write in progress (a copy being written changes every moment) */
const STALE_COPY_MS = 60_000;
/** the copies this process's writes are making now (writeTagsSafely): never stale, whatever their mtime */
const copiesMaking = new Set<string>();

/**
 * Remove the copies an earlier write of `path` left when it was killed part
 * way (the engine killed, the machine off): `.<name>.studio-tags-<hex>.tmp`
 * beside it, of this file's name only, unchanged for STALE_COPY_MS (so a
 * write by another process now is left alone). Best effort: a copy that
 * cannot be removed stays (the scanner never takes it for a track).
 */
async function removeStaleCopies(path: string): Promise<void> {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.studio-tags-`;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) if (name.startsWith(prefix)) await removeStaleCopy(join(dir, name));
}

/**
 * Remove `copy` where it is provably a tag write's copy that its write left (killed part way, the machine off): named
 * as only a tag write names one (isTagWriteTemp: `.<name>.studio-tags-<8 hex>.tmp`), a regular file, unchanged for
 * STALE_COPY_MS (a copy being written changes every moment: another process's write now is left alone; this one's are
 * never touched), and beside
 * the file `<name>` it is a copy of (a name like ours with no such file is not proven ours: left). Resolves whether it
 * was removed; never throws (best effort: a copy that stays is never taken for a track).
 */
export async function removeStaleCopy(copy: string): Promise<boolean> {
  const name = basename(copy);
  if (!isTagWriteTemp(copy) || copiesMaking.has(copy)) return false;
  const of = join(dirname(copy), name.slice(1, name.lastIndexOf('.studio-tags-')));
  const [st, orig] = await Promise.all([lstat(copy).catch(() => null), stat(of).catch(() => null)]);
  if (!st?.isFile() || !orig?.isFile() || Date.now() - st.mtimeMs <= STALE_COPY_MS) return false;
  return unlink(copy).then(
    () => true,
    () => false,
  );
}

/** fsync a folder so the rename is on disk (not possible on Windows: skipped there). */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r').catch(() => null);
  if (!fh) return;
  try {
    await fh.sync().catch(() => undefined);
  } finally {
    await fh.close();
  }
}
