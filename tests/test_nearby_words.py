"""A query's word the minutes hardly use is also searched as the index's own words nearest it in
meaning ("baby deaths" -> "infant mortality"): the lexicon each generation keeps, and the rule
that picks the words (minsearch.store.lexicon, minsearch.searching.vocabulary.nearby_wordings)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from minsearch.config import load_settings
from minsearch.glossary import Expansion
from minsearch.indexer import index_paths
from minsearch.model import MinsearchError, Query
from minsearch.search import Searcher
from minsearch.searching.vocabulary import nearby_wordings
from minsearch.store.layout import IndexLayout
from minsearch.store.lexicon import Lexicon, write_lexicon

# A toy space of six senses: child, death, birth, religion, road, change.
SENSES = {
    "infant": [1.0, 0.2, 0.3, 0.0, 0.0, 0.0],
    "mortality": [0.3, 1.0, 0.0, 0.0, 0.0, 0.0],
    "birth": [0.5, 0.0, 1.0, 0.0, 0.0, 0.0],  # 0.75 to "baby", 0.30 to the query
    "church": [0.0, 0.0, 0.0, 1.0, 0.0, 0.0],
    "roads": [0.0, 0.0, 0.0, 0.0, 1.0, 0.0],
    "baby": [1.0, 0.0, 0.4, 0.0, 0.0, 0.0],  # 0.98 to "infant", 0.27 to "mortality"
    "deaths": [0.0, 1.0, 0.0, 0.0, 0.0, 0.0],
    "reducing": [0.0, 0.0, 0.0, 0.0, 0.0, 1.0],
    "reducing baby deaths": [0.7, 0.7, 0.0, 0.0, 0.0, 0.3],
    "Baby": [1.0, 0.0, 0.4, 0.0, 0.0, 0.0],  # a surname, as the encoder reads it: the word's sense
    "Councillor Baby": [1.0, 0.0, 0.4, 0.0, 0.0, 0.0],
    "councillor": [0.0, 0.0, 0.0, 0.3, 0.0, 1.0],
    "reported": [0.0, 0.0, 0.0, 0.0, 0.0, 1.0],
    "deaths reported by Baby": [0.7, 0.7, 0.0, 0.0, 0.0, 0.3],
}
WORDS = ["birth", "church", "deaths", "infant", "mortality", "roads"]


def toy(text: str) -> np.ndarray:
    v = np.array(SENSES[text], dtype=np.float32)
    return v / np.linalg.norm(v)


def encode(texts: list[str]) -> np.ndarray:
    return np.stack([toy(t) for t in texts])


class View:
    """The one part of a store view nearby_wordings reads."""

    def __init__(self, lexicon):
        self._lexicon = lexicon

    def lexicon(self):
        return self._lexicon


LEXICON = Lexicon(WORDS, encode(WORDS))


def near(text: str, lexicon=LEXICON, said=(), limit=3, word_floor=0.55, query_floor=0.2):
    return nearby_wordings(text, View(lexicon), encode, said, limit, word_floor, query_floor)


def test_a_word_the_index_lacks_is_searched_as_its_nearest_words_closest_first():
    (e,) = near("reducing baby deaths")  # nothing in the index is near "reducing"
    assert (e.matched, e.words, e.everyday) == ("baby", ("baby",), True)
    assert e.alternates == ("infant", "birth")
    assert e.label() == "baby → infant, birth"


def test_at_most_limit_words_and_only_those_close_enough_to_the_word():
    assert near("reducing baby deaths", limit=1)[0].alternates == ("infant",)
    assert near("reducing baby deaths", word_floor=0.9)[0].alternates == ("infant",)
    assert near("reducing baby deaths", word_floor=0.99) == ()  # "mortality" is far from "baby" itself


def test_the_whole_query_keeps_the_words_sense():
    """A word close to the query's word but not to what the query asks is not searched."""
    assert near("reducing baby deaths", query_floor=0.5)[0].alternates == ("infant",)


def test_words_the_index_uses_or_a_glossary_group_covers_are_left_alone():
    # "deaths" is in the lexicon (3+ paragraphs print it): searched as typed, not widened.
    assert all(e.matched != "deaths" for e in near("reducing baby deaths"))
    said = [Expansion(matched="baby", words=("baby",), alternates=("newborn",), everyday=True)]
    assert near("reducing baby deaths", said=said) == ()


def test_a_names_words_are_not_widened_to_other_words():
    # "Zabrowski" was also searched as "wagner": a name's nearest words are other names.
    assert near("reducing baby deaths")  # the same word, in lower case, is widened
    assert near("Councillor Baby") == () and near("Baby") == ()
    assert all(e.matched != "baby" for e in near("deaths reported by Baby"))


def test_nothing_without_a_lexicon_or_when_turned_off():
    assert near("reducing baby deaths", lexicon=None) == ()
    assert near("reducing baby deaths", limit=0) == ()


def test_the_querys_own_words_are_not_offered_back():
    lexicon = Lexicon(["babies", "infant"], encode(["baby", "infant"]))
    (e,) = near("reducing baby deaths", lexicon=lexicon)
    assert e.alternates == ("infant",)  # "babies" is the query's own word, stemmed


def test_a_lexicon_keeps_the_vectors_it_had_and_embeds_only_new_words(tmp_path):
    asked: list[list[str]] = []

    def counting(words):
        asked.append(list(words))
        return encode(words)

    write_lexicon(tmp_path, ["birth", "infant"], counting)
    first = Lexicon.load(tmp_path)
    assert first is not None and first.words == ["birth", "infant"]
    later = tmp_path / "later"
    later.mkdir()
    assert write_lexicon(later, ["infant", "mortality"], counting, first) == 1
    assert asked == [["birth", "infant"], ["mortality"]]
    second = Lexicon.load(later)
    assert second is not None and second.words == ["infant", "mortality"]
    assert np.allclose(second.vectors[0], toy("infant"))


def test_a_damaged_lexicon_is_one_error_naming_the_file(tmp_path):
    write_lexicon(tmp_path, ["birth"], encode)
    (tmp_path / "lexicon.npy").write_bytes(b"not an array")
    with pytest.raises(MinsearchError, match="lexicon.npy"):
        Lexicon.load(tmp_path)
    write_lexicon(tmp_path, ["birth"], encode)
    with pytest.raises(MinsearchError, match="lexicon.npy.*of 384"):
        Lexicon.load(tmp_path, dim=384)  # written by another model


def _indexed_minutes(tmp_path, encoder):
    """A folder of one meeting's minutes, indexed: (the folder, its settings, the index's layout)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    paras = [f"The mortality review panel met on day {n} with the infant health team." for n in range(3)]
    paras.append("The chair signed the minutes.")
    (docs / "a.txt").write_text("Item 1\n\nHealth\n\n" + "\n\n".join(paras) + "\n")
    settings = load_settings(index_dir=tmp_path / "ix", model=encoder.name)
    index_paths([docs], settings, encoder=encoder)
    return docs, settings, IndexLayout(settings.index_dir)


def test_each_generation_keeps_the_words_of_three_or_more_paragraphs(tmp_path, encoder):
    _docs, _settings, layout = _indexed_minutes(tmp_path, encoder)
    lexicon = Lexicon.load(layout.generation_dir(layout.require_current()))
    assert lexicon is not None
    assert {"mortality", "infant", "review", "health"} <= set(lexicon.words)
    # Not a function word, a number, or a word fewer than three paragraphs print.
    assert not {"the", "with", "on", "0", "signed", "chair"} & set(lexicon.words)


def test_an_index_written_before_lexicons_gets_one_from_the_next_run(tmp_path, encoder):
    """The upgrade: nothing changed, but the run writes a generation with the lexicon, and search
    answers throughout."""
    docs, settings, layout = _indexed_minutes(tmp_path, encoder)
    home = settings.index_dir
    old = layout.generation_dir(layout.require_current())
    for f in ("lexicon.txt", "lexicon.npy"):
        (old / f).unlink()
    s = Searcher(load_settings(index_dir=home))
    try:
        assert s.search(Query("infant mortality")).hits  # an old index still answers
    finally:
        s.close()
    summary = index_paths([docs], settings, encoder=encoder)
    assert summary.published and summary.unchanged == 1
    new = layout.generation_dir(layout.require_current())
    assert new != old and Lexicon.load(new) is not None
    again = index_paths([docs], settings, encoder=encoder)
    assert not again.published  # and once it has one, a run with nothing to do writes nothing
    (new / "lexicon.npy").write_bytes(b"damaged")  # as the error a search then shows says: re-index
    assert index_paths([docs], settings, encoder=encoder).published
    assert Lexicon.load(layout.generation_dir(layout.require_current())) is not None
    assert json.loads((new / "meta.json").read_text())["documents"] == 1


def test_a_guessed_word_scores_but_never_counts_as_the_querys_word(tmp_path, encoder):
    """A paragraph holding only the guess is found, but holds none of the query's word: its share
    of the query (what makes a match, and a query answerable) is what it holds of the query's
    own words. ("banana spaceship melody" on Cleveland: "spaceship -> space" and "melody ->
    music" made a paragraph 2 of 3 words, a confident match for nonsense.) A wording the
    glossary knows means the same covers the word."""
    from minsearch.model import Filters
    from minsearch.store import open_store

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Item 1\n\nHealth\n\nThe infant mortality rate fell by a tenth.\n")
    home = tmp_path / "ix"
    index_paths([docs], load_settings(index_dir=home, model=encoder.name), encoder=encoder)
    guess = Expansion(matched="baby", words=("baby",), alternates=("infant",), everyday=True, guessed=True)
    known = Expansion(matched="baby", words=("baby",), alternates=("infant",), everyday=True)
    store = open_store(load_settings(index_dir=home))
    try:
        with store.pinned() as view:
            by_guess = view.keyword_search("baby", Filters(), 5, strict=False, min_coverage=0.4, expansions=(guess,))
            by_known = view.keyword_search("baby", Filters(), 5, strict=False, min_coverage=0.4, expansions=(known,))
    finally:
        store.close()
    assert [c for c, _s in by_guess.hits] == [c for c, _s in by_known.hits] and by_guess.hits
    (chunk, _s) = by_guess.hits[0]
    assert by_guess.coverage[chunk] == 0.0 and by_known.coverage[chunk] == 1.0
    assert by_guess.covered == 0 and by_known.covered == 1
