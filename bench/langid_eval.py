"""Language identification accuracy on FLORES test lines (250-499), for every checker language:
sentence level (checker.langid.detect_language) and single words, where off-the-shelf
detectors are known to guess badly: a word's language is taken as the one in which it is most
frequent (the cross-language index), scored on words of 4+ letters.

    python bench/langid_eval.py [--shared ../shared]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.langid import detect_language  # noqa: E402
from checker.languages import supported_languages  # noqa: E402
from checker.lexicon import get_foreign_index  # noqa: E402

FLORES = {"ar": "arb_Arab", "bg": "bul_Cyrl", "bn": "ben_Beng", "ca": "cat_Latn", "cs": "ces_Latn",
          "da": "dan_Latn", "de": "deu_Latn", "el": "ell_Grek", "en": "eng_Latn", "es": "spa_Latn",
          "fa": "pes_Arab", "fi": "fin_Latn", "fil": "tgl_Latn", "fr": "fra_Latn", "he": "heb_Hebr",
          "hi": "hin_Deva", "hu": "hun_Latn", "id": "ind_Latn", "is": "isl_Latn", "it": "ita_Latn",
          "ja": "jpn_Jpan", "ko": "kor_Hang", "lt": "lit_Latn", "lv": "lvs_Latn", "mk": "mkd_Cyrl",
          "ms": "zsm_Latn", "nb": "nob_Latn", "nl": "nld_Latn", "pl": "pol_Latn", "pt": "por_Latn",
          "ro": "ron_Latn", "ru": "rus_Cyrl", "sh": "hrv_Latn", "sk": "slk_Latn", "sl": "slv_Latn",
          "sv": "swe_Latn", "ta": "tam_Taml", "tr": "tur_Latn", "uk": "ukr_Cyrl", "ur": "urd_Arab",
          "vi": "vie_Latn", "zh": "zho_Hans"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    args = ap.parse_args()
    idx = get_foreign_index()
    per = {}
    tot_s = tot_sn = tot_w = tot_wn = 0
    for lang in supported_languages():
        path = Path(args.shared) / "corpora" / "flores200" / f"{FLORES[lang]}.txt"
        lines = path.read_text(encoding="utf-8").splitlines()[250:500]
        ok = sum(detect_language(l)[0] == lang for l in lines)
        wok = wn = 0
        for l in lines[:50]:
            for w in l.split():
                w = w.strip(".,;:!?\"'()«»“”„")
                if len(w) < 4 or not w.isalpha():
                    continue
                hits = idx.lookup(w)
                wn += 1
                wok += bool(hits) and max(hits, key=hits.get) == lang
        per[lang] = {"sentence_acc": round(ok / len(lines), 3), "word_acc": round(wok / max(1, wn), 3)}
        tot_s += ok
        tot_sn += len(lines)
        tot_w += wok
        tot_wn += wn
    print(json.dumps({"sentence_accuracy": round(tot_s / tot_sn, 4), "single_word_accuracy": round(tot_w / tot_wn, 4),
                      "per_language": per}, indent=1))


if __name__ == "__main__":
    main()
