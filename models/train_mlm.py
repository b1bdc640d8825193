"""Train the project's small multilingual masked LM: a sentencepiece tokenizer shared across
languages and a compact transformer, saved with save_pretrained so `--model models/mlm` (or any
path) loads it through checker.lm.hf like a hub model.

    python models/train_mlm.py                       # full run, --minutes 80 on 2 CPU cores
    python models/train_mlm.py --minutes 2 --lines-per-lang 2000 --out /tmp/mlm   # smoke run

Data: ../shared/corpora/news/<lang>.txt (WMT news test sets, free for research use); for languages
the news folder lacks (pt, vi) FLORES-200 lines 0-249 only, the benchmark's dev half, never its
test half. 1 % of each language's lines is held out for the masked-token perplexity in the card.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANGS = "en de fr es it pt cs pl ru uk vi zh".split()
FLORES = {"pt": "por_Latn", "vi": "vie_Latn", "en": "eng_Latn", "de": "deu_Latn", "fr": "fra_Latn",
          "es": "spa_Latn", "it": "ita_Latn", "cs": "ces_Latn", "pl": "pol_Latn", "ru": "rus_Cyrl",
          "uk": "ukr_Cyrl", "zh": "zho_Hans"}


def load_corpus(shared: Path, langs: list[str], per_lang: int, seed: int) -> tuple[dict, dict]:
    """({lang: train lines}, {lang: held-out lines}), deterministic."""
    rng = random.Random(seed)
    train, held = {}, {}
    for lang in langs:
        p = shared / "corpora" / "news" / f"{lang}.txt"
        if p.exists():
            lines = [l for l in p.read_text(encoding="utf-8").splitlines() if l.strip()]
        else:
            fl = shared / "corpora" / "flores200" / f"{FLORES[lang]}.txt"
            lines = fl.read_text(encoding="utf-8").splitlines()[:250]  # dev half only
        rng.shuffle(lines)
        n_held = max(5, len(lines) // 100)
        held[lang] = lines[:n_held]
        train[lang] = lines[n_held:n_held + per_lang]
    return train, held


def train_tokenizer(train: dict, out: Path, vocab: int, seed: int):
    import sentencepiece as spm

    rng = random.Random(seed)
    sample = []
    for lines in train.values():  # balanced: the same number of lines from every language
        sample += rng.sample(lines, min(len(lines), 20000))
    txt = out / "spm-train.txt"
    txt.write_text("\n".join(sample) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(txt), model_prefix=str(out / "sentencepiece.bpe"), vocab_size=vocab, model_type="unigram",
        character_coverage=0.9995, input_sentence_size=len(sample), shuffle_input_sentence=True, seed_sentencepiece_size=200000,
        pad_id=1, unk_id=3, bos_id=0, eos_id=2, user_defined_symbols=[], num_threads=2)
    txt.unlink()
    return fast_tokenizer(out / "sentencepiece.bpe.model")


def fast_tokenizer(spm_path: Path):
    """The sentencepiece model as a fast (offset-reporting) transformers tokenizer, the way
    XLM-R's is converted: the same pieces and scores in a `tokenizers` Unigram model, plus <mask>."""
    import sentencepiece as spm
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    sp = spm.SentencePieceProcessor(model_file=str(spm_path))
    vocab = [(sp.id_to_piece(i), sp.get_score(i)) for i in range(sp.get_piece_size())] + [("<mask>", 0.0)]
    tk = Tokenizer(models.Unigram(vocab, unk_id=sp.unk_id(), byte_fallback=False))
    tk.normalizer = normalizers.NFKC()
    tk.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tk.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = sp.id_to_piece(sp.bos_id()), sp.id_to_piece(sp.eos_id())
    tk.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", special_tokens=[(bos, sp.bos_id()), (eos, sp.eos_id())])
    return PreTrainedTokenizerFast(tokenizer_object=tk, bos_token=bos, eos_token=eos, cls_token=bos, sep_token=eos,
                                   unk_token=sp.id_to_piece(sp.unk_id()), pad_token=sp.id_to_piece(sp.pad_id()),
                                   mask_token="<mask>", model_max_length=128)


def batches(lines: list[str], tok, seq: int, bs: int, rng: random.Random):
    """Endless stream of (input_ids, attention_mask) batches of single sentences, truncated."""
    while True:
        rng.shuffle(lines)
        for i in range(0, len(lines) - bs + 1, bs):
            enc = tok(lines[i:i + bs], truncation=True, max_length=seq, padding=True, return_tensors="pt")
            yield enc["input_ids"], enc["attention_mask"]


def mask_tokens(ids, tok, gen, p: float = 0.15):
    """BERT masking: 15 % of real tokens; of those 80 % <mask>, 10 % random, 10 % kept."""
    import torch

    labels = ids.clone()
    special = (ids == tok.pad_token_id) | (ids == tok.cls_token_id) | (ids == tok.sep_token_id)
    prob = torch.full(ids.shape, p)
    prob[special] = 0.0
    chosen = torch.bernoulli(prob, generator=gen).bool()
    labels[~chosen] = -100
    ids = ids.clone()
    replace = torch.bernoulli(torch.full(ids.shape, 0.8), generator=gen).bool() & chosen
    ids[replace] = tok.mask_token_id
    rand = torch.bernoulli(torch.full(ids.shape, 0.5), generator=gen).bool() & chosen & ~replace
    ids[rand] = torch.randint(len(tok), ids.shape, generator=gen)[rand]
    return ids, labels


def masked_perplexity(model, tok, lines: list[str], seq: int, seed: int) -> float:
    import torch

    gen = torch.Generator().manual_seed(seed)
    tot, n = 0.0, 0
    model.eval()
    with torch.inference_mode():
        for i in range(0, len(lines), 32):
            enc = tok(lines[i:i + 32], truncation=True, max_length=seq, padding=True, return_tensors="pt")
            ids, labels = mask_tokens(enc["input_ids"], tok, gen)
            out = model(input_ids=ids, attention_mask=enc["attention_mask"], labels=labels)
            k = int((labels != -100).sum())
            tot += float(out.loss) * k
            n += k
    model.train()
    return math.exp(tot / max(n, 1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--out", default=str(ROOT / "models" / "mlm"))
    ap.add_argument("--langs", default=",".join(LANGS))
    ap.add_argument("--lines-per-lang", type=int, default=60000)
    ap.add_argument("--vocab", type=int, default=16000)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--seq", type=int, default=64)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--minutes", type=float, default=80.0)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()

    import torch
    from transformers import XLMRobertaConfig, XLMRobertaForMaskedLM

    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    t0 = time.time()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    langs = args.langs.split(",")
    train, held = load_corpus(Path(args.shared), langs, args.lines_per_lang, args.seed)
    tok = train_tokenizer(train, out, args.vocab, args.seed)
    print(f"tokenizer: {len(tok)} pieces ({time.time() - t0:.0f} s)", file=sys.stderr)

    cfg = XLMRobertaConfig(vocab_size=len(tok), hidden_size=args.hidden, num_hidden_layers=args.layers,
                           num_attention_heads=args.heads, intermediate_size=4 * args.hidden,
                           max_position_embeddings=args.seq + 4, pad_token_id=tok.pad_token_id,
                           bos_token_id=tok.cls_token_id, eos_token_id=tok.sep_token_id,
                           architectures=["XLMRobertaForMaskedLM"])
    model = XLMRobertaForMaskedLM(cfg)
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    rng = random.Random(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    stream = batches([l for ls in train.values() for l in ls], tok, args.seq, args.batch, rng)
    deadline = t0 + args.minutes * 60
    step, tokens, warm = 0, 0, 200
    model.train()
    while time.time() < deadline:
        ids, att = next(stream)
        ids, labels = mask_tokens(ids, tok, gen)
        lr = args.lr * min(1.0, (step + 1) / warm)
        for g in opt.param_groups:
            g["lr"] = lr
        loss = model(input_ids=ids, attention_mask=att, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        step += 1
        tokens += int(att.sum())
        if step % 100 == 0:
            print(f"step {step} loss {float(loss):.3f} {tokens / (time.time() - t0):.0f} tok/s", file=sys.stderr)
    train_s = time.time() - t0
    ppl = {lang: round(masked_perplexity(model, tok, held[lang], args.seq, args.seed), 1) for lang in langs}
    model.half().save_pretrained(out)  # fp16 on disk: half the size; loaded as float32 on CPU
    tok.save_pretrained(out)
    size = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    info = {"params": params, "steps": step, "train_tokens": tokens, "train_seconds": round(train_s),
            "masked_token_perplexity_held_out": ppl, "bytes_on_disk": size, "args": vars(args)}
    (out / "training.json").write_text(json.dumps(info, indent=1) + "\n")
    print(json.dumps(info, indent=1))


if __name__ == "__main__":
    main()
