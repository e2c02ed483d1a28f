// heldout4 (tools/eval/heldout4-set.ts) only: ChucK (Debian `chuck`) plays a MIDI file with the Synthesis ToolKit's
// physical and FM models and ChucK's own drum samples (Debian `chuck-data`), no SoundFont or patch set:
//
//   chuck --silent --srate:44100 tools/eval/heldout4-stk.ck:MIDI:KIT:OUT.wav:SECONDS:DATA
//
// KIT 1 ("stk1") or 2 ("stk2"): each GM family (program / 8) is played by another STK model in each kit (pianos
// Rhodey / Wurley, plucks Mandolin / StifKarp, bowed strings Bowed / FMVoices, reeds Saxofony / Clarinet …), channel
// 10 by samples: kit 1 the "digital-artists" book's kick, snare, hat, clap, cowbell and click, kit 2 the examples'
// data/ kick, snares and hats; toms are ModalBar strikes, shakers and tambourines STK's Shakers, cymbals filtered
// noise. DATA is chuck-data's examples folder. Writes SECONDS of stereo 16-bit WAV to OUT.wav, faster than real time.
// seeded: the noise cymbals and STK's Shakers draw from the C library's rand(), so a render is the same every time
Std.srand(4);
MidiFileIn min;
me.arg(0) => string file;
Std.atoi(me.arg(1)) => int kit;
me.arg(2) => string wav;
Std.atof(me.arg(3)) => float sec;
me.arg(4) => string data;
if (!min.open(file)) { cherr <= "cannot open " <= file <= IO.newline(); me.exit(); }

Gain mix => JCRev rev => dac;
mix => dac;
0.05 => rev.mix;
0.3 => rev.gain;
0.45 => mix.gain;
dac => WvOut2 w => blackhole;
wav => w.wavFilename;

// ---- the drums of channel 10: samples, ModalBar toms, Shakers, noise cymbals
string kick; string snare; string snare2; string hat; string ohat; string clap; string cow; string click;
if (kit == 1) {
    data + "/book/digital-artists/audio/" => string d;
    d + "kick_01.wav" => kick; d + "snare_01.wav" => snare; d + "snare_03.wav" => snare2; d + "hihat_01.wav" => hat;
    d + "hihat_04.wav" => ohat; d + "clap_01.wav" => clap; d + "cowbell_01.wav" => cow; d + "click_01.wav" => click;
} else {
    data + "/data/" => string d;
    data + "/book/digital-artists/audio/" => string b;
    d + "kick.wav" => kick; d + "snare-hop.wav" => snare; d + "snare-chili.wav" => snare2; d + "hihat.wav" => hat;
    d + "hihat-open.wav" => ohat; d + "snare.wav" => clap; b + "cowbell_01.wav" => cow; b + "click_02.wav" => click;
}
8 => int NB;
SndBuf bufs[NB * 8];
[kick, snare, snare2, hat, ohat, clap, cow, click] @=> string names[];
for (0 => int k; k < 8; k++) for (0 => int j; j < NB; j++) {
    names[k] => bufs[k * NB + j].read;
    bufs[k * NB + j].samples() => bufs[k * NB + j].pos;
    0.45 => bufs[k * NB + j].gain;
    bufs[k * NB + j] => mix;
}
int bufNext[8];
fun void hit(int k, float v) {
    bufs[k * NB + bufNext[k]] @=> SndBuf b;
    (bufNext[k] + 1) % NB => bufNext[k];
    0 => b.pos;
    (kit == 1 ? 0.5 : 0.42) * v => b.gain;
}
ModalBar toms[4];
for (0 => int j; j < 4; j++) { (kit == 1 ? 3 : 5) => toms[j].preset; 1.5 => toms[j].gain; toms[j] => mix; }
0 => int tomNext;
Shakers shk[4];
for (0 => int j; j < 4; j++) { 2.0 => shk[j].gain; shk[j] => mix; }
0 => int shkNext;
Noise nz => BPF cym => ADSR cenv => mix;
(kit == 1 ? 7000 : 5200) => cym.freq; 1.2 => cym.Q; 0.0 => nz.gain;
cenv.set(1::ms, 400::ms, 0.0, 10::ms);
fun void cymbal(float v, dur decay) { v * 0.18 => nz.gain; cenv.set(1::ms, decay, 0.0, 10::ms); cenv.keyOn(); }
fun void drum(int n, float v) {
    if (n == 35 || n == 36) hit(0, v);
    else if (n == 38 || n == 40) hit(kit == 1 ? 1 : 1, v);
    else if (n == 37 || n == 31) hit(7, v);
    else if (n == 39) hit(5, v);
    else if (n == 42 || n == 44) hit(3, v);
    else if (n == 46) hit(4, v);
    else if (n == 56) hit(6, v);
    else if (n >= 41 && n <= 50 && n != 42 && n != 44 && n != 46 && n != 49) {
        toms[tomNext] @=> ModalBar t; (tomNext + 1) % 4 => tomNext;
        Std.mtof(n + (kit == 1 ? 0 : 5)) => t.freq; v => t.strike;
    }
    else if (n == 49 || n == 57 || n == 55 || n == 52) cymbal(v, 900::ms);
    else if (n == 51 || n == 59 || n == 53) cymbal(0.7 * v, 250::ms);
    else if (n == 54 || n == 69 || n == 70 || n == 82 || n == 73 || n == 74 || n == 81 || n == 80) {
        shk[shkNext] @=> Shakers s; (shkNext + 1) % 4 => shkNext;
        if (n == 54) 6 => s.preset; else if (n == 69) 1 => s.preset; else if (n == 70) 0 => s.preset;
        else if (n == 82) 2 => s.preset; else if (n == 73 || n == 74) 3 => s.preset; else 7 => s.preset;
        v => s.noteOn;
    }
    else if (n >= 60 && n <= 68) {
        // bongos, congas, timbales, agogos: pitched ModalBar strikes
        toms[tomNext] @=> ModalBar t; (tomNext + 1) % 4 => tomNext;
        Std.mtof(n + 12) => t.freq; v => t.strike;
    }
    else if (n == 75 || n == 76 || n == 77) hit(7, v);
    else hit(kit == 1 ? 2 : 7, 0.6 * v);
}

// ---- melodic voices: one pool per channel, the model chosen by the channel's GM program family, with its level
// (the models' output levels differ by an order of magnitude)
float lastLevel;
0 => int lastVoice; // 1: a ModalBar set to its vibraphone preset
fun StkInstrument model(int prog) {
    prog / 8 => int f;
    0.25 => lastLevel;
    0 => lastVoice;
    // (left out after a tuning check, A3 and E4 per family: STK's Flute and VoicForm play ~45 cents sharp, Brass does not
    // speak at the default lip tension, ModalBar's marimba partials (×3.99, ×10.65) outweigh a banjo's fundamental)
    if (kit == 1) {
        if (f == 0) return new Rhodey; if (f == 1) { 1 => lastVoice; return new ModalBar; } if (f == 2) return new BeeThree;
        if (f == 3) { 0.6 => lastLevel; return new Mandolin; } if (f == 4) { 0.6 => lastLevel; return new StifKarp; }
        if (f == 5 || f == 6) { 0.35 => lastLevel; return new Bowed; }
        if (f == 7 || f == 8) { 0.35 => lastLevel; return new Saxofony; }
        if (f == 9) return new PercFlut; if (f == 10) return new Moog; if (f == 11) return new FMVoices;
        0.6 => lastLevel;
        return new Sitar;
    }
    if (f == 0) return new Wurley; if (f == 1) return new TubeBell; if (f == 2) return new PercFlut;
    if (f == 3) { 0.6 => lastLevel; return new StifKarp; } if (f == 4) return new Moog; if (f == 5 || f == 6) return new FMVoices;
    if (f == 7) return new HevyMetl; if (f == 8) { 0.35 => lastLevel; return new Clarinet; }
    if (f == 9) { 0.4 => lastLevel; return new BlowBotl; } if (f == 10) return new HevyMetl; if (f == 11) return new BeeThree;
    0.6 => lastLevel;
    return new Mandolin;
}
6 => int NV;
StkInstrument @ voice[16 * NV];
int pitchOf[16 * NV];
int nextV[16];
int prog[16];
fun void setProgram(int ch, int p) {
    p => prog[ch];
    for (0 => int j; j < NV; j++) {
        if (voice[ch * NV + j] != null) voice[ch * NV + j] =< mix;
        model(p) @=> voice[ch * NV + j];
        lastLevel => voice[ch * NV + j].gain;
        if (lastVoice) { 1 => (voice[ch * NV + j] $ ModalBar).preset; } // vibraphone
        voice[ch * NV + j] => mix;
        -1 => pitchOf[ch * NV + j];
    }
    // STK's plucked and blown models seed rand() from the clock when made: seed it again
    Std.srand(4 + 16 * p + ch);
}
fun void noteOn(int ch, int n, float v) {
    if (voice[ch * NV] == null) setProgram(ch, 0);
    ch * NV + nextV[ch] => int i;
    (nextV[ch] + 1) % NV => nextV[ch];
    Std.mtof(n) => voice[i].freq;
    n => pitchOf[i];
    v => voice[i].noteOn;
}
fun void noteOff(int ch, int n) {
    if (voice[ch * NV] == null) return;
    for (0 => int j; j < NV; j++) if (pitchOf[ch * NV + j] == n) { 0.5 => voice[ch * NV + j].noteOff; -1 => pitchOf[ch * NV + j]; }
}

fun void track(int t) {
    MidiMsg msg;
    while (min.read(msg, t)) {
        if (msg.when > 0::second) msg.when => now;
        msg.data1 & 0xF0 => int st;
        msg.data1 & 0x0F => int ch;
        if (st == 0xC0) { if (ch != 9) setProgram(ch, msg.data2); }
        else if (st == 0x90 && msg.data3 > 0) {
            if (ch == 9) drum(msg.data2, msg.data3 / 127.0);
            else noteOn(ch, msg.data2, msg.data3 / 127.0);
        }
        else if ((st == 0x80 || (st == 0x90 && msg.data3 == 0)) && ch != 9) noteOff(ch, msg.data2);
    }
}
for (0 => int t; t < min.numTracks(); t++) spork ~ track(t);
sec::second => now;
w.closeFile();
min.close();
