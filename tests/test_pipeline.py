"""Signals declare what they read and write; a pipeline that would run a signal without what it
reads is refused when the Checker is built, and no signal writes what it did not declare."""
import pytest

from checker.core import Checker
from checker.document import Document, word_counts
from checker.errors import UsageError
from checker.signals import DEFAULT_PIPELINE, check_pipeline, get_signal


def test_the_default_pipeline_is_valid():
    check_pipeline(DEFAULT_PIPELINE)


@pytest.mark.parametrize("pipeline,needle", [
    (("lexicon", "names"), "'lexicon' reads 'names' evidence, which no earlier signal writes (put 'names' before it)"),
    (("perplexity",), "'perplexity' reads 'names'"),
    (("names", "names"), "listed twice"),
    (("names", "lexicn"), "unknown signal 'lexicn'"),
])
def test_a_pipeline_with_unmet_requirements_is_refused_in_one_line(pipeline, needle):
    with pytest.raises(UsageError) as e:
        Checker(lang="en", pipeline=pipeline)
    assert needle in e.value.message and "\n" not in e.value.message


def test_a_shorter_pipeline_in_order_is_accepted():
    Checker(lang="en", pipeline=("script", "names", "lexicon", "repetition"))


@pytest.mark.parametrize("lang,text,source,source_lang", [
    ("en", "The the union had zorvanted the deal with Gazprom in Kyiv, and ﻿oops ÃƒÂ© here.", None, None),
    ("de", "Die Regierung hat am Montag das meeting abgesagt. The committee will meet again next week.",
     "The government cancelled the meeting on Monday.", "en"),
    ("uk", "Уряд оголосив про нові правила для Google та assist у Києві.", None, None),
])
def test_each_signal_writes_only_what_it_declares(lang, text, source, source_lang):
    chk = Checker(lang=lang)
    res, signals, _ = chk._parts(lang)
    doc = Document.from_text(text, lang, source, source_lang, word_counts([text]))
    everything = set()
    for sig in signals:
        before_tok = [set(t.evidence) for t in doc.tokens]
        before_meta = set(doc.meta)
        sig(doc)
        wrote = {k for t, b in zip(doc.tokens, before_tok) for k in set(t.evidence) - b}
        wrote |= {f"meta:{k}" for k in set(doc.meta) - before_meta}
        assert wrote <= set(type(sig).assigns), (sig.name, wrote - set(type(sig).assigns))
        everything |= wrote
    assert {"names", "lexicon", "perplexity"} <= everything  # the check above saw real writes


def test_a_foreign_word_gets_the_translation_of_the_source_word_the_target_lacks():
    # 'electricity' stands where 'Próximo' is; its usual German translations are not in the
    # target, so they are candidates (a word the target has already is not)
    from checker import Checker

    chk = Checker(lang="de")
    _, _, sug = chk._parts("de")
    doc = chk.annotate("Etwa 100 Häuser haben keinen Próximo in der Region.",
                       "About 100 homes have no electricity in the region.", "en", lang="de")
    tok = next(t for t in doc.tokens if t.text == "Próximo")
    got = sug.source_candidates(doc, tok, "foreign")
    assert "Strom" in got and not any(c.lower() in ("region", "häuser") for c in got)
    assert sug.source_candidates(chk.annotate("Etwa 100 Häuser haben keinen Próximo.", lang="de"), tok, "foreign") == ()
