import type { ColormapName, FreqScale } from '../../lib/colormap';
import { signal } from '../../lib/test-hooks';

const KEY = 'studio.trackDisplay.v1';

/** How the track view draws the waveform and the spectrogram (kept in localStorage). */
export interface DisplaySettings {
  /** the waveform coloured by frequency band (low red, mid green, high blue, as Mixxx's RGB waveform) */
  colour: boolean;
  /** beats and downbeats drawn on the waveform */
  beatGrid: boolean;
  /** the spectrogram's colour map */
  colormap: ColormapName;
  /** dB added to the spectrogram before colouring (−30 … +30) */
  gainDb: number;
  /** the spectrogram's frequency axis */
  freqScale: FreqScale;
}

const DEFAULTS: DisplaySettings = { colour: false, beatGrid: true, colormap: 'magma', gainDb: 0, freqScale: 'mel' };

function read(): DisplaySettings {
  try {
    const s = { ...DEFAULTS, ...(JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<DisplaySettings>) };
    s.gainDb = Math.max(-30, Math.min(30, Number(s.gainDb) || 0));
    return s;
  } catch {
    return { ...DEFAULTS };
  }
}

class Display {
  s = $state<DisplaySettings>(read());

  set<K extends keyof DisplaySettings>(key: K, value: DisplaySettings[K]): void {
    this.s[key] = value;
    try {
      localStorage.setItem(KEY, JSON.stringify(this.s));
    } catch {
      // private mode: the setting lasts for this page
    }
    signal('display-changed', { [key]: value });
  }
}

export const display = new Display();
