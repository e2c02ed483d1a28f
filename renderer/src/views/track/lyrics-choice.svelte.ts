import { lyricsVersions, type LyricsSummaryInput } from '@contract';
import { current } from '../../shared/state/track.svelte';

/** the language of the version chosen last (localStorage): chosen again for the next track that has it */
const LANGUAGE_KEY = 'studio.lyrics-language';

/**
 * Which version of the open track's lyrics is shown (a file holding several: a USLT frame per language, plain and
 * timed, the tags' and an LRC file's): the one chosen in the lyrics' "Version" list for this track, else the one in the
 * language chosen last, else the first. Shared by the lyrics under the header and the header's Lyrics fact, which
 * described the file's first version whatever was shown (ui36).
 */
class LyricsChoice {
  /** the version chosen for a track by the list (its index in `versions`) */
  private chosen = $state<{ trackId: string; index: number } | null>(null);
  /** [the version the file shows first, …the others] of the open track (contract lyricsVersions); [] without lyrics */
  readonly versions = $derived(lyricsVersions(current.track?.probe.tags.lyrics));
  /** the index in `versions` of the one shown */
  readonly index = $derived.by(() => {
    const id = current.track?.id;
    if (this.chosen && this.chosen.trackId === id && this.chosen.index < this.versions.length) return this.chosen.index;
    const kept = localStorage.getItem(LANGUAGE_KEY);
    const i = kept ? this.versions.findIndex((v) => v.language === kept) : -1;
    return i >= 0 ? i : 0;
  });
  /** the version shown, or null without lyrics */
  readonly shown = $derived<LyricsSummaryInput | null>(this.versions[this.index] ?? null);
  /** the version shown with the others as its `others`, for contract lyricsSummary ("…; also eng · jpn") */
  readonly summaryInput = $derived<LyricsSummaryInput | null>(
    this.shown ? { ...this.shown, others: this.versions.filter((_, i) => i !== this.index) } : null,
  );

  /** Show version `i` of the open track's lyrics; its language is kept for the next track. */
  choose(i: number): void {
    const id = current.track?.id;
    if (!id) return;
    this.chosen = { trackId: id, index: i };
    const lang = this.versions[i]?.language;
    if (lang) localStorage.setItem(LANGUAGE_KEY, lang);
  }
}

export const lyricsChoice = new LyricsChoice();
