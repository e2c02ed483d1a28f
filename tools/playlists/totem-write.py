#!/usr/bin/python3
"""Write a playlist with GNOME's totem-pl-parser (Debian: gir1.2-totemplparser-1.0, python3-gi), the writer of
Totem, Rhythmbox's and GNOME Videos' playlists: the real layouts of test/fixtures/playlists/totem-*.

usage: totem-write.py OUT KIND TITLE FILE...   (KIND: PLS, XSPF, M3U, M3U_DOS; FILE: absolute paths, need not exist)
Entries below OUT's folder are written relative to it, the others as file:// URIs (PLS, XSPF) or absolute paths (M3U).
"""
import sys

import gi

gi.require_version('TotemPlParser', '1.0')
from gi.repository import Gio, GObject, TotemPlParser  # noqa: E402

out, kind, title, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
pl = TotemPlParser.Playlist()
for f in files:
    it = pl.append()
    # totem-pl-parser's field names: TOTEM_PL_PARSER_FIELD_URI is "url"
    pl.set_value(it, 'url', GObject.Value(GObject.TYPE_STRING, Gio.File.new_for_path(f).get_uri()))
    pl.set_value(it, 'title', GObject.Value(GObject.TYPE_STRING, f.rsplit('/', 1)[-1].rsplit('.', 1)[0]))
TotemPlParser.Parser().save(pl, Gio.File.new_for_path(out), title, getattr(TotemPlParser.ParserType, kind))
