"""The transformers backends, exercised offline on tiny randomly initialised models that the
test writes itself (config + tokenizer + weights in a temp dir), loaded by path like a hub id."""
import math

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from checker import Checker  # noqa: E402
from checker.core import load_lm  # noqa: E402
from checker.errors import ModelError  # noqa: E402

SENTS = ["the port reopened on tuesday after a strike", "workers and employers agreed on a new wage deal",
         "the government said the budget would be cut", "ships queued outside the harbour for days"] * 5


def _bert_dir(path):
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertForMaskedLM, PreTrainedTokenizerFast

    tk = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tk.normalizer = normalizers.BertNormalizer(lowercase=True)
    tk.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tk.train_from_iterator(SENTS, trainers.WordPieceTrainer(vocab_size=120, special_tokens=specials))
    tk.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", tk.token_to_id("[CLS]")), ("[SEP]", tk.token_to_id("[SEP]"))])
    fast = PreTrainedTokenizerFast(tokenizer_object=tk, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                                   sep_token="[SEP]", mask_token="[MASK]", model_max_length=64)
    fast.save_pretrained(path)
    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=tk.get_vocab_size(), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    BertForMaskedLM(cfg).save_pretrained(path)
    return str(path)


def _gpt2_dir(path):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    tk = Tokenizer(models.BPE())
    tk.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tk.decoder = decoders.ByteLevel()
    tk.train_from_iterator(SENTS, trainers.BpeTrainer(vocab_size=300, special_tokens=["<|endoftext|>"],
                                                      initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    fast = PreTrainedTokenizerFast(tokenizer_object=tk, bos_token="<|endoftext|>", eos_token="<|endoftext|>",
                                   unk_token="<|endoftext|>", model_max_length=32)
    fast.save_pretrained(path)
    torch.manual_seed(0)
    cfg = GPT2Config(vocab_size=tk.get_vocab_size(), n_embd=32, n_layer=1, n_head=2, n_positions=32)
    GPT2LMHeadModel(cfg).save_pretrained(path)
    return str(path)


@pytest.fixture(scope="module")
def bert(tmp_path_factory):
    return _bert_dir(tmp_path_factory.mktemp("bert"))


@pytest.fixture(scope="module")
def gpt2(tmp_path_factory):
    return _gpt2_dir(tmp_path_factory.mktemp("gpt2"))


@pytest.mark.parametrize("which,kind", [("bert", "masked"), ("gpt2", "causal")])
def test_loads_by_path_and_scores_words(request, which, kind):
    lm = load_lm(request.getfixturevalue(which), "en")
    assert lm.name.startswith(kind + ":")
    words = "the port reopened after a strike".split()
    lp = lm.token_logprobs(words)
    assert len(lp) == len(words) and all(math.isfinite(x) and x < 0 for x in lp)
    assert lp == lm.token_logprobs(words)  # deterministic (eval mode, no dropout)


@pytest.mark.parametrize("which", ["bert", "gpt2"])
def test_fill_candidates_ranked_and_free_fill(request, which):
    lm = load_lm(request.getfixturevalue(which), "en")
    cands = ["strike", "deal", "port"]
    scored = lm.fill(["after", "a"], ["on", "tuesday"], candidates=cands)
    assert sorted(c for c, _ in scored) == sorted(cands)
    assert [s for _, s in scored] == sorted((s for _, s in scored), reverse=True)
    free = lm.fill(["the"], ["said"], k=3)
    assert 0 < len(free) <= 3 and all(w.replace("-", "").isalpha() for w, _ in free)


def test_causal_sliding_window_past_model_length(gpt2):
    lm = load_lm(gpt2, "en")
    words = ("the port reopened on tuesday after a strike " * 12).split()  # > 32 positions
    lp = lm.token_logprobs(words)
    assert len(lp) == len(words) and all(math.isfinite(x) for x in lp)


def test_checker_runs_end_to_end_with_a_transformers_model(bert):
    chk = Checker(lang="en", model=bert)
    r = chk.check("Officials said the the talks would resume.")
    assert [a.kind for a in r.anomalies] == ["repetition"]
    assert "|lm:masked:" in r.signature


def test_missing_model_offline_says_how_to_fetch(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelError) as e:
        load_lm("no-such-org/no-such-model", "en")
    assert "checker models pull no-such-org/no-such-model" in e.value.message


# --- the context model (whole-sentence scores and slot fill-ins) on the tiny random BERT ---

def test_context_model_scores_every_word_even_past_the_model_length(bert):
    from checker.lm.hf import ContextModel

    cm = ContextModel.from_pretrained(bert)
    long = ("the port reopened on tuesday after a strike and " * 12).split()  # > 64 positions
    short = "workers and employers agreed".split()
    scores = cm.visible_logprobs([short, [], long])
    assert [len(s) for s in scores] == [len(short), 0, len(long)]
    assert all(lp < 0 and low <= 0 and low >= lp for s in scores for lp, low in s)


def test_context_model_slot_scores_multi_piece_candidates(bert):
    from checker.lm.hf import ContextModel

    cm = ContextModel.from_pretrained(bert)
    words = "the port reopened on tuesday".split()
    ids_one = cm.mlm.tok("port", add_special_tokens=False)["input_ids"]
    ids_multi = cm.mlm.tok("reopenedtuesday", add_special_tokens=False)["input_ids"]
    assert len(ids_multi) > len(ids_one)
    sc = cm.slot_scores(words, 1, ["port", "reopenedtuesday"])
    assert set(sc) == {"port", "reopenedtuesday"} and all(v < 0 for v in sc.values())
    # a multi-piece word adds up several log-probabilities: with a random model it scores lower
    assert sc["reopenedtuesday"] < sc["port"]
    fills = cm.slot_fill(words, 1, k=3)
    assert 0 < len(fills) <= 3 and all(w.isalpha() for w, _ in fills)


def test_checker_with_a_context_model_reports_it_in_the_signature(bert):
    chk = Checker(lang="en", context_model=bert)
    rep = chk.check("The port reopened on Tuesday after a strikke.")
    assert "+cm:" in rep.signature or "+masked:" in rep.signature
    doc = chk.annotate("The port reopened on Tuesday.")
    assert all("context" in t.evidence for t in doc.tokens if t.is_word)


def test_context_model_skips_languages_it_was_not_trained_on(bert, tmp_path):
    import json
    import shutil

    from checker.lm.hf import ContextModel

    d = tmp_path / "m"
    shutil.copytree(bert, d)
    (d / "training.json").write_text(json.dumps({"args": {"langs": "de,fr"}}))
    cm = ContextModel.from_pretrained(str(d))
    assert cm.covers("de") and not cm.covers("en") and cm.name.startswith("cm:m@")
    doc = Checker(lang="en", context_model=str(d)).annotate("The port reopened.")
    assert not any("context" in t.evidence for t in doc.tokens)


def test_cli_context_model_that_cannot_load_exits_5(tmp_path, capsys):
    from checker.cli import main

    f = tmp_path / "a.txt"
    f.write_text("The port reopened.\n")
    rc = main(["scan", str(f), "--lang", "en", "--context-model", str(tmp_path / "nope")])
    assert rc == 5
    assert "nope" in capsys.readouterr().err


def test_split_modules_keep_the_public_names_and_import_no_torch_until_used():
    """checker.lm.hf re-exports the backends that live in hf_load/hf_base/masked/causal/context/
    pull; importing the checker (and those modules) never imports torch, only using a model does."""
    import subprocess
    import sys

    code = ("import sys, checker.cli, checker.core\n"
            "assert 'torch' not in sys.modules, 'checker.core/cli'\n"
            "from checker.lm import hf, hf_load, hf_base, masked, causal, context, pull\n"
            "assert 'torch' not in sys.modules, 'checker.lm.hf'\n"
            "assert hf.MaskedLM is masked.MaskedLM and hf.CausalLM is causal.CausalLM\n"
            "assert hf.ContextModel is context.ContextModel and hf.pull is pull.pull\n"
            "assert hf.load_hf is hf_load.load_hf and hf.offline is hf_load.offline\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
