"""The signature names every setting that changes a score, and parses back to what produced it."""
import gc
import weakref

import pytest

from checker.core import Checker
from checker.document import word_counts
from checker.signature import Signature, allowlist_digest


@pytest.fixture(scope="module")
def en():
    return Checker(lang="en")


def test_signature_round_trips_through_its_string(en):
    sig = en.signature_info("en")
    assert Signature.parse(str(sig)) == sig
    assert str(sig) == en.signature("en")
    assert sig.lang == "en" and sig.lm.startswith("ngram-en@") and "lexicon" in sig.signals


def test_the_allowlist_is_in_the_signature():
    a = Checker(lang="en", allowlist=["Zorvanted"]).signature_info("en")
    b = Checker(lang="en", allowlist=["zorvanted"]).signature_info("en")
    c = Checker(lang="en", allowlist=["other"]).signature_info("en")
    assert a.allow == b.allow == allowlist_digest(["zorvanted"]) != c.allow
    assert Checker(lang="en").signature_info("en").allow == "none"


def test_the_context_mode_is_in_each_reports_signature(en):
    line = "The union had zorvanted the deal."
    alone = en.check(line)
    in_file = en.check(line, context=word_counts([line, "Another line."]))
    assert Signature.parse(alone.signature).ctx == "line"
    assert Signature.parse(in_file.signature).ctx == "file"


def test_a_checker_is_not_kept_alive_by_its_caches():
    chk = Checker(lang="en")
    chk.signature("en")
    chk.check("A line.")
    ref = weakref.ref(chk)
    del chk
    gc.collect()
    assert ref() is None


def test_older_signatures_without_allow_and_ctx_still_parse():
    old = ("checker:0.1.0|lang:en|lm:ngram-en@69ebb31e|lex:wordfreq-3.1.1|tr:e6ee8d59|det:5ab4f5f0|thr:0.500"
           "|signals:script+names")
    s = Signature.parse(old)
    assert (s.allow, s.ctx, s.thr, s.signals) == ("none", "file", 0.5, ("script", "names"))
    with pytest.raises(ValueError):
        Signature.parse("nrefs:1|case:mixed")
