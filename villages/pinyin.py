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
    """A name's syllables, one per character (a name is not a phrase: each character is read as
    itself, which is also what a person typing the initials expects), the surname as a surname."""
    name = (name or "").strip()
    syllables = [syllable for syllable in map(_reading, name) if syllable]
    if syllables and name[0] in SURNAME_READINGS:
        syllables[0] = SURNAME_READINGS[name[0]]
    return syllables


@functools.cache  # a few thousand characters make up the names of a county: an import reads each once
def _reading(character):
    readings = lazy_pinyin(character, style=Style.NORMAL, errors="ignore")
    return readings[0].lower() if readings else ""


# The columns the keys are stored in (villages.models): fifty characters of a long name can read as
# 300 letters, and a sort key needs no more than its start.
PINYIN_LENGTH, INITIALS_LENGTH = 200, 50


def name_keys(name: str) -> tuple[str, str]:
    """(name_pinyin, name_initials), each cut to its column."""
    syllables = name_syllables(name)
    return "".join(syllables)[:PINYIN_LENGTH], "".join(s[0] for s in syllables)[:INITIALS_LENGTH]


def name_pinyin(name: str) -> str:
    """Full pinyin without tones or spaces: the sort key ("zhengzhangmu")."""
    return name_keys(name)[0]


def name_initials(name: str) -> str:
    """First letters of each syllable: the search key ("zzm")."""
    return name_keys(name)[1]
