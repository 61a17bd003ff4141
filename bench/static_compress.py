"""What collectstatic's compression costs, by folder: each file of a collected STATIC_ROOT compressed again
(gzip and brotli, as WhiteNoise does), one at a time, timed in CPU seconds.

    .venv/bin/python bench/static_compress.py var/static

Files WhiteNoise would not compress (images, fonts, and with our settings source maps) are left out; with
--all, source maps are compressed too and reported apart.
"""

import argparse
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

from whitenoise.compress import Compressor


def group_of(relative: Path) -> str:
    parts = relative.parts
    group = "/".join(parts[:2]) if parts[0] == "vendor" and len(parts) > 2 else parts[0]
    return group + (" (source maps)" if relative.suffix == ".map" else "")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("static_root", type=Path)
    parser.add_argument("--all", action="store_true", help="also source maps")
    args = parser.parse_args()

    # settings.WHITENOISE_SKIP_COMPRESS_EXTENSIONS, or WhiteNoise's own list with --all.
    skipped = list(Compressor.SKIP_COMPRESS_EXTENSIONS)
    if not args.all:
        skipped.append("map")
    compressor = Compressor(extensions=skipped, quiet=True)
    seconds: Counter[str] = Counter()
    files: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as work:
        for path in sorted(args.static_root.rglob("*")):
            if path.suffix in (".gz", ".br") or not path.is_file():
                continue
            if not compressor.should_compress(str(path)):
                continue
            copy = Path(work) / path.name
            shutil.copyfile(path, copy)
            started = time.process_time()
            for written in compressor.compress(str(copy)):
                Path(written).unlink()
            group = group_of(path.relative_to(args.static_root))
            seconds[group] += time.process_time() - started
            files[group] += 1
    total = sum(seconds.values())
    print(f"{total:.1f} s CPU, {sum(files.values())} files")
    for group, spent in seconds.most_common():
        print(f"{spent:6.1f} s {100 * spent / total:3.0f} % {files[group]:4d} files  {group}")


if __name__ == "__main__":
    main()
