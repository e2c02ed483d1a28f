/**
 * ReplayGain a file's own tags state (another program's: foobar2000, mp3gain, vorbisgain, metaflac, loudgain, beets,
 * MusicBrainz Picard) in the words the track header and `studio probe` share, and set beside the studio's own loudness
 * measurement (ITU-R BS.1770 integrated loudness, LUFS). Pure.
 *
 * Sources: ReplayGain 1.0 (David Robinson, 2001: gains to an 89 dB SPL reference), ReplayGain 2.0 (hydrogenaudio
 * wiki, 2011+: the loudness measured as ITU-R BS.1770 / EBU R128, reference −18 LUFS, the level ReplayGain 1's 89 dB
 * was matched to), and Opus' R128_TRACK_GAIN / R128_ALBUM_GAIN (RFC 7845 §5.2.1: Q7.8 fixed point, dB to −23 LUFS).
 */

/** ReplayGain 2.0's reference loudness (LUFS): a track tagged with gain G plays at this loudness once G is applied */
export const REPLAYGAIN_REFERENCE_LUFS = -18;
/** Opus' R128 gains' reference loudness (LUFS; RFC 7845 §5.2.1, EBU R128) */
export const R128_REFERENCE_LUFS = -23;

/**
 * What a file's tags state (Tags.replayGain): gains in dB, peaks as a fraction of full scale (1 = 0 dBFS; above 1
 * where the audio clips or its inter-sample peak is over), `reference` as written (REPLAYGAIN_REFERENCE_LOUDNESS:
 * "89.0 dB", "-18.00 LUFS"), the Opus R128 gains in dB (to −23 LUFS).
 */
export interface TaggedReplayGain {
  trackGainDb?: number;
  trackPeak?: number;
  albumGainDb?: number;
  albumPeak?: number;
  reference?: string;
  r128TrackGainDb?: number;
  r128AlbumGainDb?: number;
  /** an Opus header's output gain (dB; RFC 7845 §5.1), which every decoder applies and the R128 gains are on top of */
  opusOutputGainDb?: number;
}

/** a gain in dB with its sign and two decimals ("+14.21 dB", "−0.62 dB": a real minus sign) */
export function gainText(db: number): string {
  // half a hundredth away from zero, alike for both signs (Math.round(−61.5) is −61)
  const r = Math.round(Math.abs(db) * 100) / 100;
  return `${db < 0 && r > 0 ? '−' : '+'}${r.toFixed(2)} dB`;
}

/** what an Opus R128 gain brings the track to, in words ("(to −23 LUFS)": a real minus sign) */
const R128_TO = `(to −${Math.abs(R128_REFERENCE_LUFS)} LUFS)`;

/** a peak as a fraction of full scale, three decimals ("0.988"; "1.052" over full scale) */
const peakText = (p: number): string => p.toFixed(3);

/**
 * The tags' ReplayGain in words, one clause per gain: "track +14.21 dB (peak 0.027) · album +16.72 dB (peak 0.027) ·
 * reference −18.00 LUFS" (the reference as written, its hyphen a minus); an Opus file's R128 gains "R128 track
 * +9.21 dB (to −23 LUFS)"; an Opus header's output gain first, "header gain +6.00 dB (every player applies it)", and
 * then each R128 gain with the sum a player applies (RFC 7845 §5.2.1: the R128 gains are on top of the header's):
 * "R128 track −11.38 dB (to −23 LUFS; −5.38 dB with the header's)". null when the tags state none.
 */
export function replayGainText(rg: TaggedReplayGain | undefined | null): string | null {
  if (!rg) return null;
  const header = rg.opusOutputGainDb ?? 0;
  const r128To = (db: number) => (header ? `${R128_TO.slice(0, -1)}; ${gainText(db + header)} with the header's)` : R128_TO);
  const one = (what: string, gain?: number, peak?: number) =>
    gain === undefined && peak === undefined ? null : `${what} ${[gain !== undefined ? gainText(gain) : null, peak !== undefined ? `${gain !== undefined ? '(' : ''}peak ${peakText(peak)}${gain !== undefined ? ')' : ''}` : null].filter(Boolean).join(' ')}`;
  const parts = [
    one('track', rg.trackGainDb, rg.trackPeak),
    one('album', rg.albumGainDb, rg.albumPeak),
    rg.reference ? `reference ${rg.reference.replace(/^-/, '−')}` : null,
    header ? `header gain ${gainText(header)} (every player applies it)` : null,
    rg.r128TrackGainDb !== undefined ? `R128 track ${gainText(rg.r128TrackGainDb)} ${r128To(rg.r128TrackGainDb)}` : null,
    rg.r128AlbumGainDb !== undefined ? `R128 album ${gainText(rg.r128AlbumGainDb)} ${r128To(rg.r128AlbumGainDb)}` : null,
  ].filter((x): x is string => x !== null);
  return parts.length ? parts.join(' · ') : null;
}

/**
 * The track gain the studio's own loudness measurement gives (dB), to ReplayGain 2.0's reference: −18 LUFS − `lufs`
 * (an Opus R128 gain: −23 LUFS − `lufs`). `lufs`: BS.1770 integrated loudness of the whole track (LUFS).
 */
export function measuredGainDb(lufs: number, reference: number = REPLAYGAIN_REFERENCE_LUFS): number {
  return reference - lufs;
}

/** a tagged track gain within this many dB of the measured one agrees with it (ReplayGain 1's own analysis differs from BS.1770 by about this much on ordinary music) */
export const REPLAYGAIN_TOLERANCE_DB = 1;

/**
 * The tagged track gain beside the one the studio's loudness measurement gives: `text` "the studio's loudness
 * (−32.2 LUFS) gives +14.20 dB", and where the two differ by more than REPLAYGAIN_TOLERANCE_DB, `apart` (dB) and
 * `note` "3.5 dB apart: the file changed since it was tagged, or its tagger measured otherwise" (an Opus R128 gain
 * off by about its header's output gain says that instead). Uses the track gain
 * (to −18 LUFS), else the Opus R128 track gain (to −23 LUFS). `lufs`: BS.1770 integrated loudness (LUFS). null
 * without a tagged track gain or a measured loudness.
 */
export function replayGainAgreement(rg: TaggedReplayGain | undefined | null, lufs: number | null | undefined): { measuredDb: number; taggedDb: number; text: string; apart: number | null; note: string | null } | null {
  if (!rg || lufs === null || lufs === undefined || !Number.isFinite(lufs)) return null;
  const [taggedDb, reference] = rg.trackGainDb !== undefined ? [rg.trackGainDb, REPLAYGAIN_REFERENCE_LUFS] : rg.r128TrackGainDb !== undefined ? [rg.r128TrackGainDb, R128_REFERENCE_LUFS] : [undefined, 0];
  if (taggedDb === undefined) return null;
  const measuredDb = measuredGainDb(lufs, reference);
  const diff = Math.abs(taggedDb - measuredDb);
  const apart = diff > REPLAYGAIN_TOLERANCE_DB ? Math.round(diff * 10) / 10 : null;
  const lufsText = `${lufs < 0 ? '−' : ''}${Math.abs(lufs).toFixed(1)} LUFS`;
  // an R128 gain that is the header's output gain away from ours: measured without that gain (RFC 7845 §5.2.1 puts
  // the R128 gains on top of it) — the header gain set after tagging (an opusgain-style edit), or a tagger that left
  // it out
  const header = reference === R128_REFERENCE_LUFS ? (rg.opusOutputGainDb ?? 0) : 0;
  const byHeader = header !== 0 && Math.abs(taggedDb - measuredDb - header) <= REPLAYGAIN_TOLERANCE_DB;
  return {
    measuredDb,
    taggedDb,
    text: `the studio's loudness (${lufsText}) gives ${gainText(measuredDb)}`,
    apart,
    note:
      apart === null
        ? null
        : byHeader
          ? `${apart.toFixed(1)} dB apart, about the header's output gain (${gainText(header)}): the R128 gain was measured without it — the header gain was set after the file was tagged, or the tagger left it out`
          : `${apart.toFixed(1)} dB apart: the file changed since it was tagged, or its tagger measured otherwise`,
  };
}
