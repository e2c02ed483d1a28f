// The tempo the analyser states on analysis-confidence.test.ts' short speech clips (flite, voices kal, slt, awb, rms;
// 8 and 12 s; test/output/media, made by that test), with the evidence the test asserts on: bpm, confidence, repeat
// (the onset autocorrelation at 3 and 4 beats, held under confidence.ts REPEAT_FLOOR by the test) and octave (the
// chooser's log-odds), and whether the features line names a tempo. Helper tempo18: run once with the shipped chooser
// and once with a candidate's weights to see which assertion a chooser change moves.
//   nice -n 10 node --import tsx tools/eval/speech-tempo.ts
import { analyzeTrack } from '../../main/engine/analysis/index';

for (const v of ['kal', 'slt', 'awb', 'rms'])
  for (const s of [8, 12]) {
    const r = await analyzeTrack(`test/output/media/speech-${v}-${s}s.wav`);
    const e = r.tempo.evidence;
    console.log(`${v} ${s}s bpm ${r.tempo.bpm?.toFixed(1)} conf ${r.tempo.confidence} repeat ${e?.repeat?.toFixed(4)} octave ${e?.octave?.toFixed(2)} tempoInFeatures ${/Tempo/.test(r.features)}`);
  }
