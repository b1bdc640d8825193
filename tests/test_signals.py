"""Signals one by one, on made-up text."""
import json

from checker import Checker
from checker.charmodel import get_char_model
from checker.cli import main
from checker.lexicon import get_lexicon


def test_char_model_separates_garbles_from_rare_real_words():
    ru = get_char_model("ru")
    assert ru.zscore("впопосоьыл") < ru.zscore("бородочки") - 2
    en = get_char_model("en")
    assert en.zscore("nicreccun") < en.zscore("terrorization")


def test_clitics_explain_arabic_and_hebrew_forms():
    assert get_lexicon("ar").clitic_base("والحكومة") == "حكومة"
    assert get_lexicon("he").clitic_base("בעיר") == "עיר"
    assert get_lexicon("ar").clitic_base("ليديميلانخ") is None


def test_sentence_left_in_source_language_is_untranslated():
    chk = Checker(lang="de")
    text = "Die Regierung hat das Gesetz verabschiedet. This is just one example of the problem."
    r = chk.check(text, source="The government passed the law. This is just one example of the problem.",
                  source_lang="en")
    spans = [(a.text, a.kind) for a in r.anomalies]
    assert ("This is just one example of the problem", "untranslated") in spans


def test_doubled_capitalised_names_are_not_repetitions(en_checker):
    assert en_checker.check("The ferry from Pago Pago arrived late on Monday.").anomalies == []


def test_word_recurring_in_the_file_counts_as_a_term(tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text("The festival offers zorvanted sweets to the gods.\n"
                 "Each family prepares zorvanted at home before dawn.\n", encoding="utf-8")

    def scores(*extra):
        assert main(["scan", str(f), "--lang", "en", "--threshold", "0", *extra]) == 0
        recs = [json.loads(l) for l in capsys.readouterr().out.splitlines()]
        return [a["score"] for r in recs for a in r["anomalies"] if a["text"] == "zorvanted"]

    with_ctx, alone = scores(), scores("--no-file-context")
    assert len(with_ctx) == len(alone) == 2
    assert all(w < a - 0.1 for w, a in zip(with_ctx, alone))


def test_parallel_scan_output_identical(tmp_path, capsys):
    f = tmp_path / "a.txt"
    lines = [f"Line {i} says the the thing and zorvanted{i % 3} it." for i in range(150)]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    main(["scan", str(f), "--lang", "en", "-j", "1"])
    one = capsys.readouterr().out
    main(["scan", str(f), "--lang", "en", "-j", "2"])
    two = capsys.readouterr().out
    assert one == two and len(one.splitlines()) == 150


def test_homoglyph_fix_restores_the_main_script(en_checker):
    (a,) = en_checker.check("Prices rose sharply in Mоscow on Monday.").anomalies  # Cyrillic о
    assert a.kind == "script" and a.suggestions[0].text == "Moscow" and a.suggestions[0].score > 0.9


def test_a_cjk_radical_in_place_of_an_ideograph_is_a_script_flag_with_the_ideograph_as_fix():
    from checker import Checker

    got = Checker(lang="zh").check("我们使⽤这个方法。").anomalies
    assert [(a.text, a.kind, [s.text for s in a.suggestions]) for a in got] == [("⽤", "script", ["用"])]


def test_a_radical_beside_the_ideograph_it_doubles_is_deleted():
    from checker import Checker

    got = Checker(lang="ja").check("電⼦子書籍を読む。").anomalies
    assert [(a.text, [s.text for s in a.suggestions]) for a in got] == [("⼦", [""])]
    assert Checker(lang="ja").check("電子書籍を読む。").anomalies == []

