"""The relation to the head is read from the words rosters write for it; kin the registry has no
relation of its own for is read as 'other', and a word that names no kin is refused."""

import pytest

from imports import engine
from villages.models import Resident

R = Resident.Relation


@pytest.mark.parametrize(
    ("word", "relation"),
    [
        ("户主", R.HEAD),
        ("本人", R.HEAD),
        ("妻", R.SPOUSE),
        ("丈夫", R.SPOUSE),
        ("长子", R.CHILD),
        ("次女", R.CHILD),
        ("继母", R.PARENT),
        ("外孙女", R.GRANDCHILD),
        ("奶奶", R.GRANDPARENT),
        ("妹妹", R.SIBLING),
        ("儿媳妇", R.CHILD_IN_LAW),
        ("女婿", R.CHILD_IN_LAW),
        ("侄子", R.OTHER),
        ("外甥女", R.OTHER),
        ("曾孙", R.OTHER),
        ("孙媳妇", R.OTHER),
        ("非亲属", R.OTHER),
        ("儿媳/女婿", R.CHILD_IN_LAW),  # the export's own word
        ("Spouse", R.SPOUSE),
        ("户主 ", R.HEAD),
    ],
)
def test_a_relation_is_read_from_the_word_a_roster_writes(word, relation):
    assert engine._relation(word.strip()) == relation


@pytest.mark.parametrize("word", ["朋友的朋友", "邻居家", "3", "子女们"])
def test_a_word_that_names_no_relation_is_refused(word):
    assert engine._relation(word) is None
