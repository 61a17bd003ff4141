"""Comparing people's names as Indonesian rosters write them."""

import re
import unicodedata

# Titles and degrees that one file writes and another leaves out.
_TITLES = {
    "h",
    "hj",
    "ir",
    "dr",
    "drs",
    "dra",
    "prof",
    "st",
    "s",
    "se",
    "sh",
    "sag",
    "spd",
    "spdi",
    "sip",
    "ssos",
    "skom",
    "skm",
    "ap",
    "mm",
    "msi",
    "mpd",
    "amd",
    "amdkeb",
    "ama",
    "bsc",
}
_NON_LETTERS = re.compile(r"[^a-z ]+")


def name_key(name: str) -> str:
    """ "Hj. SITI  Aminah, S.Pd." and "siti aminah" give the same key."""
    if name.isascii() and name.replace(" ", "").isalpha():
        return " ".join(name.lower().split())  # letters and spaces only: no title, nothing to strip
    return _key(name)


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    head, *tail = text.split(",")
    words = []
    # Before the first comma a title carries a dot ("H.", "Dr."): a bare "Ir" may be a name.
    for word in head.split():
        bare = _NON_LETTERS.sub("", word)
        if bare and not (bare in _TITLES and word.endswith(".")):
            words.append(bare)
    # After it come degrees ("S.Pd.", "M.M."), dots or not.
    for word in " ".join(tail).split():
        bare = _NON_LETTERS.sub("", word)
        if bare and bare not in _TITLES:
            words.append(bare)
    return " ".join(words)
