// Queen Mary DSP (Debian libqm-dsp-dev 1.7.x) tempo and key, as Mixxx's
// AnalyzerQueenMaryBeats / AnalyzerQueenMaryKey call them, for the benchmark
// (test/bench/analysis-accuracy.ts compiles this with g++).
//
//   qm-harness RATE < mono.f32le   →   {"bpm":…,"beats":N,"key":K,"beatTimes":[s,…]}
//
// Input: raw mono float32 at RATE (Mixxx downmixes stereo by averaging).
// Beats: complex-spectral-difference onsets (DF_COMPLEXSD), step 0.01161 s,
// window = next power of two of RATE/50, the first 2 DF values and trailing
// zeros dropped, TempoTrackV2 beat period + beats (Mixxx's defaults).
// BPM: 60 / median inter-beat interval of the tracked beats.
// Key: GetKeyMode(RATE, 440, 10, 10) per block, the key held for the most
// blocks wins (Mixxx's global key = the key covering the most of the track);
// K: 1..12 = C..B major, 13..24 = C..B minor, 0 = none.
#include <qm-dsp/dsp/onsets/DetectionFunction.h>
#include <qm-dsp/dsp/tempotracking/TempoTrackV2.h>
#include <qm-dsp/dsp/keydetection/GetKeyMode.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

static unsigned nextPow2(unsigned v) { unsigned p = 1; while (p < v) p <<= 1; return p; }

int main(int argc, char** argv) {
    if (argc < 2) { fprintf(stderr, "usage: qm-harness RATE < mono.f32le\n"); return 2; }
    const int rate = atoi(argv[1]);
    std::vector<float> in;
    float buf[65536];
    size_t n;
    while ((n = fread(buf, sizeof(float), 65536, stdin)) > 0) in.insert(in.end(), buf, buf + n);

    // ---- beats (AnalyzerQueenMaryBeats)
    const int step = int(rate * 0.01161f);
    const int win = nextPow2(rate / 50);
    DFConfig cfg;
    cfg.DFType = DF_COMPLEXSD;
    cfg.stepSize = step;
    cfg.frameLength = win;
    cfg.dbRise = 3;
    cfg.adaptiveWhitening = false;
    cfg.whiteningRelaxCoeff = -1;
    cfg.whiteningFloor = -1;
    DetectionFunction det(cfg);
    std::vector<double> frame(win), dfAll;
    // Mixxx's DownmixAndOverlapHelper starts with half a window of zeros.
    std::vector<double> padded(win / 2, 0.0);
    padded.insert(padded.end(), in.begin(), in.end());
    for (size_t o = 0; o + win <= padded.size(); o += step) {
        std::copy(padded.begin() + o, padded.begin() + o + win, frame.begin());
        dfAll.push_back(det.processTimeDomain(frame.data()));
    }
    int nz = int(dfAll.size());
    while (nz > 0 && dfAll[nz - 1] <= 0.0) --nz;
    std::vector<double> df, period, tempi, beats;
    for (int i = 2; i < nz; ++i) { df.push_back(dfAll[i]); period.push_back(0.0); }
    double bpm = 0;
    if (df.size() > 8) {
        TempoTrackV2 tt(rate, step);
        tt.calculateBeatPeriod(df, period, tempi);
        tt.calculateBeats(df, period, beats);
        std::vector<double> ibi;
        for (size_t i = 1; i < beats.size(); ++i) ibi.push_back((beats[i] - beats[i - 1]) * step / double(rate));
        if (!ibi.empty()) {
            std::nth_element(ibi.begin(), ibi.begin() + ibi.size() / 2, ibi.end());
            bpm = 60.0 / ibi[ibi.size() / 2];
        }
    }

    // ---- key (AnalyzerQueenMaryKey)
    GetKeyMode km(rate, 440.0f, 10, 10);
    const unsigned block = km.getBlockSize(), hop = km.getHopSize();
    std::vector<double> kb(block);
    int counts[25] = {0};
    for (size_t o = 0; o + block <= in.size(); o += hop) {
        std::copy(in.begin() + o, in.begin() + o + block, kb.begin());
        int k = km.process(kb.data());
        if (k >= 0 && k <= 24) counts[k]++;
    }
    int key = 0;
    for (int k = 1; k <= 24; ++k) if (counts[k] > counts[key] || key == 0 && counts[k] > 0) key = k;
    // beat times as Mixxx places them (AnalyzerQueenMaryBeats: beat index × step, in frames), seconds
    printf("{\"bpm\":%.3f,\"beats\":%zu,\"key\":%d,\"beatTimes\":[", bpm, beats.size(), key);
    for (size_t i = 0; i < beats.size(); ++i) printf("%s%.4f", i ? "," : "", beats[i] * step / double(rate));
    printf("]}\n");
    return 0;
}
