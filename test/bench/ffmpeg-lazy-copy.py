# A lazily bound copy of the ffmpeg on PATH and its shared libraries, for measuring only (issue 11, BENCHMARKS.md "Throughput:
# session 13"). Debian links ffmpeg and its 216 libraries with BIND_NOW (full RELRO): the dynamic loader resolves every symbol
# of every library at start-up. The copy clears DF_BIND_NOW (DT_FLAGS), DF_1_NOW (DT_FLAGS_1) and DT_BIND_NOW, and drops
# PT_GNU_RELRO (lazy binding writes the GOT, which full RELRO makes read-only: without this the copy segfaults), so symbols
# are resolved when first called. Nothing here is for users: the engine never runs such a copy.
#   python3 test/bench/ffmpeg-lazy-copy.py OUTDIR     # then: LD_LIBRARY_PATH=OUTDIR OUTDIR/ffmpeg …
import struct, sys, os, subprocess, shutil
out = sys.argv[1]; os.makedirs(out, exist_ok=True)
ff = shutil.which('ffmpeg')
libs = [l.split('=>')[1].split('(')[0].strip() for l in subprocess.run(['ldd', ff], capture_output=True, text=True).stdout.splitlines() if '=>' in l]
def patch(src, dst):
    b = bytearray(open(src, 'rb').read())
    assert b[:4] == b'\x7fELF' and b[4] == 2, src
    phoff, = struct.unpack_from('<Q', b, 0x20); phentsize, phnum = struct.unpack_from('<HH', b, 0x36)
    n = 0
    for i in range(phnum):
        p = phoff + i * phentsize
        ptype, = struct.unpack_from('<I', b, p)
        if ptype == 0x6474e552: struct.pack_into('<I', b, p, 0); n += 1  # PT_GNU_RELRO -> PT_NULL
        if ptype != 2: continue  # PT_DYNAMIC
        off, = struct.unpack_from('<Q', b, p + 8); size, = struct.unpack_from('<Q', b, p + 32)
        for e in range(off, off + size, 16):
            tag, val = struct.unpack_from('<qQ', b, e)
            if tag == 0: break
            if tag == 30 and val & 8: struct.pack_into('<Q', b, e + 8, val & ~8); n += 1  # DT_FLAGS: DF_BIND_NOW
            if tag == 0x6ffffffb and val & 1: struct.pack_into('<Q', b, e + 8, val & ~1); n += 1  # DT_FLAGS_1: DF_1_NOW
            if tag == 24: struct.pack_into('<q', b, e, 0x6ffffdf5); n += 1  # DT_BIND_NOW -> an ignored tag
    open(dst, 'wb').write(b); os.chmod(dst, 0o755)
    return n
n = sum(patch(os.path.realpath(l), os.path.join(out, os.path.basename(l))) for l in libs) + patch(ff, os.path.join(out, 'ffmpeg'))
print(f'{len(libs)} libraries and ffmpeg copied to {out}; {n} flags/segments cleared')
