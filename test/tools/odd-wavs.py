"""WAV files as broken writers lay them out (Python struct, byte by byte), for media-truth-kinds10:
odd-sized chunks written without the pad byte RIFF requires, in RIFF and RF64 (EBU Tech 3306) files,
before and after the data chunk. A 440 Hz tone at 44.1 kHz, 4 s; LIST/INFO: INAM "Odd size", IART "Someone".

usage: odd-wavs.py OUT_DIR
"""
import struct, sys, math, os
out = sys.argv[1]
rate = 44100
def pcm16(n, ch=1):
    return b''.join(struct.pack('<' + 'h' * ch, *([int(12000 * math.sin(2 * math.pi * 440 * i / rate))] * ch)) for i in range(n))
def pcm8(n):
    return bytes(128 + int(60 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(n))
def chunk(cid, body, pad=True):
    return cid + struct.pack('<I', len(body)) + body + (b'\0' if pad and len(body) % 2 else b'')
def fmt(ch, bits):
    return chunk(b'fmt ', struct.pack('<HHIIHH', 1, ch, rate, rate * ch * bits // 8, ch * bits // 8, bits))
def info(pad):
    # INAM "Odd size\0" (9 bytes) and IART "Someone\0" (8 bytes), the odd one without its pad byte when pad is False
    return chunk(b'LIST', b'INFO' + chunk(b'INAM', b'Odd size\0', pad) + chunk(b'IART', b'Someone\0', pad), pad)
def riff(*chunks):
    body = b'WAVE' + b''.join(chunks)
    return b'RIFF' + struct.pack('<I', len(body)) + body
def rf64(data, before=(), after=()):
    ds64 = chunk(b'ds64', struct.pack('<QQQI', 0, len(data), len(data) // 2, 0))
    body = b'WAVE' + ds64 + b''.join(before) + b'data' + struct.pack('<I', 0xFFFFFFFF) + data + (b'\0' if len(data) % 2 else b'') + b''.join(after)
    full = b'RF64' + struct.pack('<I', 0xFFFFFFFF) + body
    return full[:20] + struct.pack('<Q', len(full) - 8) + full[28:]
pcm = pcm16(4 * rate)
files = {
    # RF64 (EBU Tech 3306) with an odd LIST chunk before the data chunk, written without its pad byte
    'rf64-odd-list.wav': rf64(pcm, before=[fmt(1, 16), info(False)]),
    # a LIST/INFO chunk after the data chunk, its odd INAM sub-chunk without its pad byte (and the LIST's own)
    'list-after-data.wav': riff(fmt(1, 16), chunk(b'data', pcm), info(False)),
    # 8-bit mono with an odd sample count: the data chunk itself is odd and unpadded, a padded LIST/INFO after it
    'odd-data-list-after.wav': riff(fmt(1, 8), chunk(b'data', pcm8(4 * rate + 1), False), info(True)),
    # RF64 with the LIST/INFO (unpadded) after its data chunk
    'rf64-list-after.wav': rf64(pcm, before=[fmt(1, 16)], after=[info(False)]),
}
for name, b in files.items():
    open(os.path.join(out, name), 'wb').write(b)
