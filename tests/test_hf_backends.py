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
