"""Which face each role (title, body, 楷体, 黑体, 宋体) uses: licensed or free."""

import functools
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

# Fonts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Face:
    role: str
    licensed: tuple[str, ...]  # names the licensed font goes by (file stems and family names)
    free: str  # the free face Debian ships
    free_bold: bool = False  # the free face stands in for a heavy one by its bold


FACES = {
    "title": Face("title", ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S",
                            "FZXiaoBiaoSong-B05", "FZXBSJW"), "Noto Serif CJK SC", free_bold=True),
    "body": Face("body", ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "simfang"),
                 "Noto Serif CJK SC"),
    "kai": Face("kai", ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "simkai"), "AR PL UKai CN"),
    "hei": Face("hei", ("黑体", "SimHei", "simhei"), "Noto Sans CJK SC"),
    "song": Face("song", ("宋体", "SimSun", "simsun"), "Noto Serif CJK SC"),
}  # fmt: skip
FONT_SUFFIXES = {".ttf", ".otf", ".ttc", ".otc"}


@dataclass(frozen=True)
class ResolvedFace:
    family: str  # the name Word and fontconfig know it by
    path: Path | None  # the licensed file, or None for the free face
    bold: bool  # draw in bold (the free face standing in for a heavy one)


def fonts_dir() -> Path | None:
    configured = getattr(settings, "OFFICIAL_FONTS_DIR", "")
    return Path(configured) if configured else None


def resolve_fonts(directory: Path | None = None) -> dict[str, ResolvedFace]:
    """Which face each role uses: a licensed font in the fonts directory, else the free one."""
    directory = fonts_dir() if directory is None else directory
    return dict(_resolve(str(directory) if directory else ""))


@functools.lru_cache(maxsize=8)
def _resolve(directory: str) -> tuple[tuple[str, ResolvedFace], ...]:
    found = _font_names(Path(directory)) if directory else {}
    resolved = []
    for role, face in FACES.items():
        for name in face.licensed:
            if name.lower() in found:
                resolved.append((role, ResolvedFace(name, found[name.lower()], bold=False)))
                break
        else:
            resolved.append((role, ResolvedFace(face.free, None, bold=face.free_bold)))
    return tuple(resolved)


def _font_names(directory: Path) -> dict[str, Path]:
    """Every name (file stem, family and full name in any language) of the fonts in a folder."""
    from fontTools.ttLib import TTCollection, TTFont  # WeasyPrint's own dependency

    names: dict[str, Path] = {}
    if not directory.is_dir():
        return names
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() not in FONT_SUFFIXES:
            continue
        names.setdefault(path.stem.lower(), path)
        try:
            fonts = (
                TTCollection(path).fonts
                if path.suffix.lower() in (".ttc", ".otc")
                else [TTFont(path, lazy=True)]
            )
        except Exception:  # not a font after all: skip it, the free face stands in
            continue
        for font in fonts:
            for record in font["name"].names:
                if record.nameID in (1, 4):
                    try:
                        names.setdefault(record.toUnicode().strip().lower(), path)
                    except UnicodeDecodeError:
                        continue
    return names
