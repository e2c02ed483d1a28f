"""Model pack folder: atomic writing and manifest.json (documented in MANIFEST.md).

A pack is written into a temporary sibling folder (`.<name>.tmp-XXXX`), every
file fsynced, manifest.json written last, then renamed into place.  A failure at
any point removes the temporary folder; an existing pack at --out is only
replaced (never merged into) and only after the new one is complete.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import tempfile
from typing import Dict, List, Optional

from llama import ConvertError

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"


def sha256_file(path: str, bufsize: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(bufsize)
            if not b:
                break
            h.update(b)
    return h.hexdigest()


def fsync_dir(path: str) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def fingerprint(inputs: List[str], options: dict) -> str:
    """Identity of a conversion: input file names/sizes/mtimes and options (cheap: no hashing of GBs)."""
    items = []
    for p in inputs:
        if p is None:
            continue
        paths = [p]
        if os.path.isdir(p):
            paths = [os.path.join(p, f) for f in sorted(os.listdir(p))]
        for q in paths:
            if os.path.isfile(q):
                st = os.stat(q)
                items.append([os.path.abspath(q), st.st_size, st.st_mtime_ns])
    return hashlib.sha256(json.dumps({"inputs": items, "options": options}, sort_keys=True).encode()).hexdigest()


def check_out_dir(out: str, fp: str, force: bool) -> None:
    """Refuse a non-empty --out unless it holds this very pack (same fingerprint) or --force."""
    if not os.path.exists(out):
        return
    if not os.path.isdir(out):
        raise ConvertError(f"--out {out!r} exists and is not a folder")
    entries = os.listdir(out)
    if not entries or force:
        return
    man = os.path.join(out, MANIFEST)
    if os.path.isfile(man):
        try:
            with open(man, "r", encoding="utf-8") as f:
                old = json.load(f)
        except (OSError, json.JSONDecodeError):
            old = {}
        if old.get("source", {}).get("fingerprint") == fp:
            return
        raise ConvertError(f"--out {out!r} already holds a different pack ({old.get('name', '?')}); "
                           f"use --force to replace it")
    raise ConvertError(f"--out {out!r} is not empty and holds no pack of ours; use --force to replace it")


class PackWriter:
    """Context manager: `with PackWriter(out) as pw: ... pw.path(name) ... pw.finish(manifest)`."""

    def __init__(self, out: str):
        self.out = os.path.abspath(out.rstrip("/"))
        self.parent = os.path.dirname(self.out)
        self.tmp: Optional[str] = None
        self.roles: Dict[str, str] = {}
        self.done = False

    def __enter__(self) -> "PackWriter":
        os.makedirs(self.parent, exist_ok=True)
        self.tmp = tempfile.mkdtemp(prefix=f".{os.path.basename(self.out)}.tmp-", dir=self.parent)
        return self

    def path(self, name: str) -> str:
        return os.path.join(self.tmp, name)

    def add(self, role: str, name: str) -> None:
        p = self.path(name)
        if not os.path.isfile(p):
            raise ConvertError(f"internal: {name} was not written")
        self.roles[name] = role

    def write_bytes(self, name: str, data: bytes) -> None:
        with open(self.path(name), "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())

    def finish(self, manifest: dict) -> str:
        files = {}
        for name in sorted(os.listdir(self.tmp)):
            p = self.path(name)
            if not os.path.isfile(p):
                continue
            if name not in self.roles:
                raise ConvertError(f"internal: unexpected file {name} in the pack")
            with open(p, "rb") as f:
                os.fsync(f.fileno())
            files[name] = {"bytes": os.path.getsize(p), "sha256": sha256_file(p), "role": self.roles[name]}
        missing = set(self.roles) - set(files)
        if missing:
            raise ConvertError(f"internal: files vanished: {sorted(missing)}")
        manifest = dict(manifest)
        manifest["files"] = files
        data = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        self.write_bytes(MANIFEST, data)
        fsync_dir(self.tmp)
        old = None
        if os.path.exists(self.out):
            old = tempfile.mkdtemp(prefix=f".{os.path.basename(self.out)}.old-", dir=self.parent)
            os.rmdir(old)
            os.rename(self.out, old)
        os.rename(self.tmp, self.out)
        fsync_dir(self.parent)
        self.tmp = None
        self.done = True
        if old:
            shutil.rmtree(old, ignore_errors=True)
        return self.out

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.tmp and os.path.exists(self.tmp):
            shutil.rmtree(self.tmp, ignore_errors=True)


def injected_write_failure(bytes_written: int) -> None:
    """Test hook: STUDIO_CONVERT_FAIL_AFTER_BYTES=N makes large writers fail as a full disk would."""
    lim = os.environ.get("STUDIO_CONVERT_FAIL_AFTER_BYTES")
    if lim is not None and bytes_written > int(lim):
        raise OSError(errno.ENOSPC, "No space left on device (injected by STUDIO_CONVERT_FAIL_AFTER_BYTES)")


def verify_pack(folder: str) -> dict:
    """Re-hash every file listed in the manifest; raise ConvertError on any difference."""
    man_path = os.path.join(folder, MANIFEST)
    if not os.path.isfile(man_path):
        raise ConvertError(f"{folder}: no manifest.json")
    with open(man_path, "r", encoding="utf-8") as f:
        man = json.load(f)
    for name, info in man["files"].items():
        p = os.path.join(folder, name)
        if not os.path.isfile(p) or os.path.getsize(p) != info["bytes"] or sha256_file(p) != info["sha256"]:
            raise ConvertError(f"{folder}: {name} does not match the manifest")
    return man
