; heldout3's synthesis (tools/eval/heldout3-set.ts): Csound (Debian `csound`) playing a General MIDI file with
; instruments written here — no sample, no SoundFont, no GUS patch: a synthesis no other evaluation set uses.
; Two kits, chosen with --omacro:KIT=1 or --omacro:KIT=2 (build-set.ts render(), 'csfm' and 'csadd'):
;   KIT 1 "csfm": FM keys and bells, Karplus-Strong plucked strings, filtered-saw pads and strings, formant choir,
;                 drums from pitch-swept sines and filtered noise
;   KIT 2 "csadd": additive / wavetable keys, pulse-wave plucks, detuned-square pads, buzz-formant choir,
;                 drums from noise bursts through resonant band-pass filters (another tuning of every drum)
; Every MIDI channel plays instr 1; it reads the channel's program (midipgm) and plays the GM family's voice, channel
; 10 the drum voice of the note number. Run (one file):
;   csound -d -m0 --omacro:KIT=1 -F song.mid -h --format=float -o out.raw heldout3-synth.orc dur.sco
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

#ifndef KIT
#define KIT #1#
#end

massign 0, 1
pgmassign 0, 0

giSine ftgen 0, 0, 8192, 10, 1
; keys (KIT 2): a piano-like additive spectrum; organ drawbars; a mellow flute-ish table
giKeys ftgen 0, 0, 8192, 10, 1, 0.55, 0.32, 0.2, 0.12, 0.08, 0.05, 0.03, 0.02, 0.015
giOrgan ftgen 0, 0, 8192, 10, 1, 0.8, 0, 0.6, 0, 0, 0, 0.45, 0, 0, 0, 0.3
giSoft ftgen 0, 0, 8192, 10, 1, 0.25, 0.08, 0.03

instr 1
  ichn midichn
  ivel veloc 0, 1
  icps cpsmidi
  inote notnum
  ipgm midipgm ichn
  ifam = int((ipgm - 1) / 8)
  iamp = 0.16 * ivel * ivel + 0.02
  aout = 0
  if ichn == 10 then
    xtratim 1.2
    ; ---- drums: kick, snare / clap / side stick, hats and shakers, cymbals, toms and hand drums, wood and bells
    if inote == 35 || inote == 36 then
      if $KIT == 1 then
        kf expseg 170, 0.05, 55, 0.4, 42
        ke expseg 1, 0.35, 0.001
        aout = oscili(ke * 0.9 * ivel, kf, giSine)
      else
        kf expseg 120, 0.08, 48, 0.3, 40
        ke expseg 1, 0.25, 0.001
        an noise 1, 0
        aout = oscili(ke * 0.7 * ivel, kf, giSine) + butterbp(an, 90, 60) * ke * 0.5 * ivel
      endif
    elseif inote >= 37 && inote <= 40 then
      an noise 1, 0
      if inote == 37 then
        ke expseg 1, 0.04, 0.001
        aout = butterbp(an, 1800, 600) * ke * 0.5 * ivel
      elseif inote == 39 then
        ke expseg 1, 0.012, 0.3, 0.01, 0.9, 0.15, 0.001
        aout = butterbp(an, 1200, 900) * ke * 0.6 * ivel
      elseif $KIT == 1 then
        ke expseg 1, 0.18, 0.001
        kt expseg 1, 0.08, 0.001
        aout = (butterhp(an, 1500) * ke * 0.45 + oscili(kt * 0.4, 190, giSine)) * ivel
      else
        ke expseg 1, 0.22, 0.001
        aout = (butterbp(an, 3200, 2500) * ke * 0.6 + butterbp(an, 240, 80) * ke * 0.8) * ivel
      endif
    elseif inote == 42 || inote == 44 || inote == 46 || inote == 54 || inote == 69 || inote == 70 || inote == 82 then
      an noise 1, 0
      idec = (inote == 46 ? 0.35 : (inote == 54 ? 0.15 : 0.05))
      ke expseg 1, idec, 0.001
      ihp = ($KIT == 1 ? 7000 : 9000)
      aout = butterhp(an, ihp) * ke * 0.35 * ivel
    elseif inote == 49 || inote == 51 || inote == 52 || inote == 53 || inote == 55 || inote == 57 || inote == 59 then
      an noise 1, 0
      idec = ((inote == 51 || inote == 59 || inote == 53) ? 0.4 : 1.1)
      ke expseg 1, idec, 0.001
      am oscili 1, ($KIT == 1 ? 5400 : 3700), giSine
      aout = butterhp(an * (0.7 + 0.3 * am), 5000) * ke * 0.25 * ivel
    elseif (inote >= 41 && inote <= 50) || (inote >= 60 && inote <= 68) then
      ; toms (41..50 low to high), bongos, congas, timbales: pitched membranes
      ibase = (inote < 51 ? 70 + (inote - 41) * 14 : 160 + (inote - 60) * 35)
      ibase = ($KIT == 1 ? ibase : ibase * 1.12)
      kf expseg ibase * 1.5, 0.03, ibase, 0.3, ibase * 0.9
      ke expseg 1, (inote < 51 ? 0.35 : 0.18), 0.001
      aout = oscili(ke * 0.6 * ivel, kf, giSine)
    else
      ; claves, woodblocks, cowbell, triangle and the rest: short pitched clicks
      ifr = 500 + (inote % 24) * 60
      ke expseg 1, 0.07, 0.001
      aout = (oscili(ke * 0.4, ifr, giSine) + oscili(ke * 0.2, ifr * 1.48, giSine)) * ivel
    endif
  else
    ; ---- pitched voices by General MIDI family (program 1..128: 8 programs a family)
    if ifam == 0 || ifam == 1 then
      ; pianos, chromatic percussion
      if $KIT == 1 then
        kenv madsr 0.003, 1.2, 0.25, 0.35
        kidx expseg 3, 0.8, 0.6
        aout = foscili(kenv * iamp, icps, 1, (ifam == 1 ? 3.5 : 1), kidx, giSine)
      else
        kenv madsr 0.004, 1.5, 0.2, 0.3
        aout = oscili(kenv * iamp, icps, giKeys)
      endif
    elseif ifam == 2 then
      ; organs
      kenv madsr 0.01, 0.05, 0.9, 0.08
      if $KIT == 1 then
        aout = foscili(kenv * iamp * 0.7, icps, 1, 2, 1.2, giSine)
      else
        aout = oscili(kenv * iamp * 0.7, icps, giOrgan)
      endif
    elseif ifam == 3 || ifam == 4 || ifam == 13 then
      ; guitars, basses, ethnic plucks (banjo, koto…)
      ibass = (ifam == 4 ? 1 : 0)
      if $KIT == 1 then
        kenv madsr 0.001, 0.1, 1, 0.12
        aout = pluck(iamp * (ibass == 1 ? 1.4 : 1), icps, icps, 0, 1) * kenv
        aout = (ibass == 1 ? butterlp(aout, 900) : aout)
      else
        kenv madsr 0.002, (ibass == 1 ? 0.5 : 0.35), 0.3, 0.1
        kcut expseg 3000, 0.3, 600
        aout = moogladder(vco2(kenv * iamp, icps, 2, 0.3), (ibass == 1 ? kcut * 0.5 : kcut), 0.2)
      endif
    elseif ifam == 5 || ifam == 6 then
      ; strings and ensembles (choir: GM 53..55)
      ichoir = (ipgm >= 53 && ipgm <= 55 ? 1 : 0)
      kenv madsr 0.12, 0.2, 0.85, 0.4
      kvib oscili 0.004, 5.2, giSine
      if ichoir == 1 then
        if $KIT == 1 then
          asrc vco2 kenv * iamp, icps * (1 + kvib)
          aout = (butterbp(asrc, 650, 120) + butterbp(asrc, 1080, 150) * 0.6 + butterbp(asrc, 2650, 250) * 0.3) * 4.4
        else
          asrc buzz kenv * iamp, icps * (1 + kvib), 30, giSine
          aout = (butterbp(asrc, 400, 100) + butterbp(asrc, 800, 150) * 0.7 + butterbp(asrc, 2800, 300) * 0.25) * 5
        endif
      else
        if $KIT == 1 then
          a1 vco2 kenv * iamp * 0.5, icps * (1 + kvib)
          a2 vco2 kenv * iamp * 0.5, icps * 1.004
          aout = moogladder(a1 + a2, 2400, 0.1)
        else
          a1 vco2 kenv * iamp * 0.5, icps * (1 + kvib), 10
          a2 vco2 kenv * iamp * 0.5, icps * 0.996, 10
          aout = butterlp(a1 + a2, 1800)
        endif
      endif
    elseif ifam == 7 || ifam == 8 || ifam == 9 then
      ; brass, reeds, pipes
      kenv madsr 0.04, 0.1, 0.8, 0.1
      if $KIT == 1 then
        kidx linseg 0.5, 0.06, 2.5, 0.3, 1.8
        aout = foscili(kenv * iamp * 0.8, icps, 1, 1, (ifam == 9 ? 0.4 : kidx), giSine)
      else
        aout = butterlp(vco2(kenv * iamp * 0.6, icps, (ifam == 7 ? 0 : 10)), (ifam == 9 ? 1500 : 3000))
      endif
    elseif ifam == 10 || ifam == 11 then
      ; synth leads, synth pads
      ipad = (ifam == 11 ? 1 : 0)
      kenv madsr (ipad == 1 ? 0.4 : 0.01), 0.2, 0.8, (ipad == 1 ? 0.6 : 0.1)
      if $KIT == 1 then
        a1 vco2 kenv * iamp * 0.5, icps
        a2 vco2 kenv * iamp * 0.5, icps * 1.006
        aout = moogladder(a1 + a2, (ipad == 1 ? 1200 : 3500), 0.3)
      else
        a1 vco2 kenv * iamp * 0.5, icps, 10
        a2 vco2 kenv * iamp * 0.5, icps * 0.994, 10
        aout = butterlp(a1 + a2, (ipad == 1 ? 900 : 2800))
      endif
    else
      ; synth effects, percussive (steel drums, timpani…), sound effects
      kenv madsr 0.003, 0.6, 0.1, 0.2
      aout = foscili(kenv * iamp, icps, 1, 2.76, 2, giSine)
    endif
  endif
  ; a fixed pan per channel, so the two channels are not the same signal
  ipan = (ichn == 10 ? 0.5 : 0.3 + 0.4 * frac(ichn * 0.37))
  outs aout * sqrt(1 - ipan), aout * sqrt(ipan)
endin
