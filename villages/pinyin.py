"""Pinyin keys for Chinese names, so a grid leader can type "zzm" to find 郑章木."""

import functools

from pypinyin import Style, lazy_pinyin

# pypinyin reads these characters as common words, not as surnames (upstream has no surname mode).
SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "区": "ou",
    "查": "zha",
    "盖": "ge",
    "覃": "qin",
    "尉": "yu",
    "乐": "yue",
    "缪": "miao",
    "翟": "zhai",
    "褚": "chu",
    "万": "wan",
    "秘": "bi",
    "冼": "xian",
    "繁": "po",
    "员": "yun",
    "能": "nai",
    "种": "chong",
    "长": "chang",
    "任": "ren",
    "沈": "shen",
    "那": "na",
    "宁": "ning",
    "燕": "yan",
    "纪": "ji",
    "华": "hua",
    "柏": "bai",
    "召": "shao",
    "谌": "chen",
    "殷": "yin",
    "都": "du",
    "祭": "zhai",
}


def name_syllables(name: str) -> list[str]:
    return list(_syllables((name or "").strip()))


@functools.lru_cache(maxsize=1 << 16)  # an import reads each head's name once per member of the household
def _syllables(name):
    if not name:
        return ()
    syllables = lazy_pinyin(name, style=Style.NORMAL, errors="ignore")
    if name[0] in SURNAME_READINGS and syllables:
        syllables[0] = SURNAME_READINGS[name[0]]
    return tuple(s.lower() for s in syllables)


def name_pinyin(name: str) -> str:
    """Full pinyin without tones or spaces: the sort key ("zhengzhangmu")."""
    return "".join(name_syllables(name))


def name_initials(name: str) -> str:
    """First letters of each syllable: the search key ("zzm")."""
    return "".join(s[0] for s in name_syllables(name) if s)
