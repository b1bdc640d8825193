"""Train the project's small multilingual masked LM: a sentencepiece tokenizer shared across
languages and a compact transformer, saved with save_pretrained so `--model models/mlm` (or any
path) loads it through checker.lm.hf like a hub model.

    python models/train_mlm.py                       # full run, --minutes 80 on 2 CPU cores
    python models/train_mlm.py --minutes 2 --lines-per-lang 2000 --out /tmp/mlm   # smoke run

    python models/train_mlm.py --eval models/mlm     # held-out perplexities of a saved model

Data: ../shared/corpora/news/<lang>.txt (WMT news test sets, free for research use); languages with
fewer than --min-lines news lines (pt, vi, it, pl, uk) also take FLORES-200 lines 0-249 (the
benchmark's dev half, never its test half 250-499) and NTREX-128 (newstest2019 translated,
../shared/corpora/parallel/ntrex128, CC BY-SA 4.0). 1 % of each language's news + FLORES lines
(at least 25) is held out for the perplexities in the card; NTREX lines are never held out, so the
held-out sentences are the same with and without --ntrex (old and new models compare on them).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch: no spinning threads on a shared CPU
LANGS = "en de fr es it pt cs pl ru uk vi zh".split()
FLORES = {"pt": "por_Latn", "vi": "vie_Latn", "en": "eng_Latn", "de": "deu_Latn", "fr": "fra_Latn",
          "es": "spa_Latn", "it": "ita_Latn", "cs": "ces_Latn", "pl": "pol_Latn", "ru": "rus_Cyrl",
          "uk": "ukr_Cyrl", "zh": "zho_Hans"}
NTREX = {"en": "eng", "de": "deu", "fr": "fra", "es": "spa", "it": "ita", "pt": "por", "cs": "ces",
         "pl": "pol", "ru": "rus", "uk": "ukr", "vi": "vie", "zh": "zho-CN"}


def load_corpus(shared: Path, langs: list[str], per_lang: int, seed: int, min_lines: int,
                ntrex: bool = True) -> tuple[dict, dict]:
    """({lang: train lines}, {lang: held-out lines}), deterministic. Languages with little news text
    get FLORES dev lines (0-249; never the benchmark's test half 250-499) and, with ``ntrex``,
    NTREX-128 (training only, after the held-out split, so the held-out lines do not depend on it),
    and are repeated up to ``min_lines`` so the shared vocabulary and the model do not ignore them."""
    rng = random.Random(seed)
    train, held = {}, {}
    for lang in langs:
        p = shared / "corpora" / "news" / f"{lang}.txt"
        lines = [l for l in p.read_text(encoding="utf-8").splitlines() if l.strip()] if p.exists() else []
        rng.shuffle(lines)
        if len(lines) < min_lines:
            fl = shared / "corpora" / "flores200" / f"{FLORES[lang]}.txt"
            lines += fl.read_text(encoding="utf-8").splitlines()[:250]  # dev half only
        n_held = max(25, len(lines) // 100)
        held[lang] = lines[:n_held]
        rest = lines[n_held:n_held + per_lang]
        nt = shared / "corpora" / "parallel" / "ntrex128" / "NTREX-128" / f"newstest2019-ref.{NTREX.get(lang, '')}.txt"
        if ntrex and len(lines) < min_lines and nt.is_file():
            rest += [l for l in nt.read_text(encoding="utf-8").splitlines() if l.strip()]
        train[lang] = rest * max(1, min_lines // max(len(rest), 1))
    return train, held


def train_tokenizer(train: dict, out: Path, vocab: int, seed: int):
    import sentencepiece as spm

    rng = random.Random(seed)
    sample = []
    for lines in train.values():  # balanced: the same number of lines from every language
        uniq = sorted(set(lines))
        sample += rng.sample(uniq, min(len(uniq), 20000))
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


def batches(seqs: list[list[int]], pad: int, tokens_per_batch: int, rng: random.Random):
    """Endless stream of (input_ids, attention_mask): sentences of similar length batched together
    (little padding), about ``tokens_per_batch`` pieces each, in random order."""
    while True:
        order = sorted(range(len(seqs)), key=lambda i: (len(seqs[i]), rng.random()))
        groups, cur = [], []
        for i in order:
            if cur and (len(cur) + 1) * len(seqs[i]) > tokens_per_batch:
                groups.append(cur)
                cur = []
            cur.append(i)
        groups.append(cur)
        rng.shuffle(groups)
        for g in groups:
            yield pad_batch([seqs[i] for i in g], pad)


class Corruptor:
    """BERT-style corruption with a stronger replaced-token share: of the chosen pieces 60 % become
    <mask>, 25 % another piece drawn from the corpus's piece frequencies (a word-start piece for a
    word-start piece), 15 % stay. The replacements teach the model to give a low probability to a
    visible piece that does not fit, so one unmasked pass scores every word of a sentence."""

    def __init__(self, tok, seqs: list[list[int]], p: float, seed: int):
        import torch

        self.tok, self.p = tok, p
        self.gen = torch.Generator().manual_seed(seed)
        flat = torch.tensor([i for s in seqs for i in s])
        counts = torch.bincount(flat, minlength=len(tok))[:len(tok)].float()
        self.special = torch.tensor(tok.all_special_ids)
        counts[self.special] = 0
        pieces = tok.convert_ids_to_tokens(list(range(len(tok))))
        self.starts = torch.tensor([p.startswith("▁") for p in pieces])
        self.start_probs = counts * self.starts
        self.cont_probs = counts * ~self.starts

    def __call__(self, ids):
        import torch

        g = self.gen
        labels = ids.clone()
        chosen = (torch.rand(ids.shape, generator=g) < self.p) & ~torch.isin(ids, self.special)
        labels[~chosen] = -100
        out = ids.clone()
        r = torch.rand(ids.shape, generator=g)
        out[chosen & (r < 0.60)] = self.tok.mask_token_id
        swap = chosen & (r >= 0.60) & (r < 0.85)
        start = self.starts[ids]
        for mask, probs in ((swap & start, self.start_probs), (swap & ~start, self.cont_probs)):
            n = int(mask.sum())
            if n:
                out[mask] = torch.multinomial(probs, n, replacement=True, generator=g)
        return out, labels


def masked_loss(model, ids, att, labels):
    """Cross-entropy on the chosen positions only: the vocabulary projection is the costliest
    layer, and 80 % of positions carry no label."""
    import torch.nn.functional as F

    hidden = model.roberta(input_ids=ids, attention_mask=att).last_hidden_state
    sel = labels != -100
    logits = model.lm_head(hidden[sel])
    return F.cross_entropy(logits.float(), labels[sel])


def pad_batch(seqs: list[list[int]], pad: int):
    import torch

    ids = torch.full((len(seqs), max(len(s) for s in seqs)), pad, dtype=torch.long)
    for r, s in enumerate(seqs):
        ids[r, :len(s)] = torch.tensor(s)
    return ids, (ids != pad).long()


def masked_perplexity(model, tok, seqs: list[list[int]], seed: int) -> float:
    """Per-piece perplexity when 15 % of pieces are replaced by <mask> (held-out sentences)."""
    import torch

    gen = torch.Generator().manual_seed(seed)
    special = torch.tensor(tok.all_special_ids)
    tot, n = 0.0, 0
    model.eval()
    with torch.inference_mode():
        for i in range(0, len(seqs), 32):
            ids, att = pad_batch(seqs[i:i + 32], tok.pad_token_id)
            chosen = (torch.rand(ids.shape, generator=gen) < 0.15) & ~torch.isin(ids, special)
            k = int(chosen.sum())
            if not k:
                continue
            labels = torch.where(chosen, ids, torch.full_like(ids, -100))
            inp = torch.where(chosen, torch.full_like(ids, tok.mask_token_id), ids)
            tot += float(masked_loss(model, inp, att, labels)) * k
            n += k
    model.train()
    return math.exp(tot / max(n, 1))


def masked_word_nats(model, tok, lines: list[str], seed: int, max_len: int, chars: bool = False) -> float:
    """Mean -log P (nats) of a masked word when 15 % of the words (every piece of each) are replaced
    by <mask>, summed over the word's pieces. The unit is the word (a character for ``chars``,
    i.e. Chinese), so models with different tokenizers compare on the same masked words."""
    import torch

    rng = random.Random(seed)
    tot, n = 0.0, 0
    model.eval()
    with torch.inference_mode():
        for line in lines:
            words = [c for c in line if not c.isspace()] if chars else line.split()
            text, spans = "", []
            for w in words:
                if text and not chars:
                    text += " "
                spans.append((len(text), len(text) + len(w)))
                text += w
            pick = {i for i in range(len(words)) if rng.random() < 0.15}
            if not pick:
                continue
            enc = tok(text, return_offsets_mapping=True, truncation=True, max_length=max_len)
            owner = [next((i for i, (s0, e0) in enumerate(spans) if b > a and a < e0 and s0 < b), -1)
                     for a, b in enc["offset_mapping"]]
            ids = torch.tensor([enc["input_ids"]])
            chosen = torch.tensor([[k in pick for k in owner]])
            if not bool(chosen.any()):
                continue
            inp = torch.where(chosen, torch.full_like(ids, tok.mask_token_id), ids)
            lp = torch.log_softmax(model(input_ids=inp).logits.float(), -1)[0]
            per: dict[int, float] = {}
            for p, k in enumerate(owner):
                if k in pick:
                    per[k] = per.get(k, 0.0) + float(lp[p, ids[0, p]])
            tot += sum(per.values())
            n += len(per)
    model.train()
    return -tot / max(n, 1)


def evaluate(path: str, args) -> dict:
    """Held-out perplexities of a saved model (its own tokenizer) on this script's held-out lines."""
    import torch
    from transformers import AutoModelForMaskedLM, AutoTokenizer

    torch.set_num_threads(args.threads)
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForMaskedLM.from_pretrained(path, dtype=torch.float32)
    langs = args.langs.split(",")
    _, held = load_corpus(Path(args.shared), langs, args.lines_per_lang, args.seed, args.min_lines, args.ntrex)
    seq = int(model.config.max_position_embeddings) - 4
    piece = {lang: round(masked_perplexity(model, tok, tok(held[lang], truncation=True, max_length=seq)["input_ids"],
                                           args.seed), 1) for lang in langs}
    word = {lang: round(masked_word_nats(model, tok, held[lang], args.seed, seq, lang == "zh"), 3) for lang in langs}
    return {"model": path, "masked_token_perplexity_held_out": piece, "masked_word_nats_held_out": word,
            "held_out_sentences": {lang: len(held[lang]) for lang in langs}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--out", default=str(ROOT / "models" / "mlm"))
    ap.add_argument("--langs", default=",".join(LANGS))
    ap.add_argument("--lines-per-lang", type=int, default=75000)
    ap.add_argument("--min-lines", type=int, default=8000, help="repeat smaller languages up to this")
    ap.add_argument("--vocab", type=int, default=16000)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--seq", type=int, default=64)
    ap.add_argument("--batch-tokens", type=int, default=4096)
    ap.add_argument("--mask-rate", type=float, default=0.2)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--minutes", type=float, default=80.0, help="wall-clock budget, tokenizer included")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--no-ntrex", dest="ntrex", action="store_false",
                    help="do not add NTREX-128 to the languages with fewer than --min-lines news lines")
    ap.add_argument("--eval", metavar="DIR", help="only print the held-out perplexities of the model in DIR")
    args = ap.parse_args()
    if args.eval:
        print(json.dumps(evaluate(args.eval, args), indent=1))
        return

    import torch
    from transformers import XLMRobertaConfig, XLMRobertaForMaskedLM

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    t0 = time.time()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    langs = args.langs.split(",")
    train, held = load_corpus(Path(args.shared), langs, args.lines_per_lang, args.seed, args.min_lines, args.ntrex)
    tok = train_tokenizer(train, out, args.vocab, args.seed)
    enc = lambda lines: tok(lines, truncation=True, max_length=args.seq)["input_ids"]  # noqa: E731
    seqs = [s for lang in langs for s in enc(train[lang])]
    held_seqs = {lang: enc(held[lang]) for lang in langs}
    print(f"tokenizer: {len(tok)} pieces; {len(seqs)} sentences, {sum(map(len, seqs))} pieces "
          f"({time.time() - t0:.0f} s)", file=sys.stderr)

    cfg = XLMRobertaConfig(vocab_size=len(tok), hidden_size=args.hidden, num_hidden_layers=args.layers,
                           num_attention_heads=args.heads, intermediate_size=4 * args.hidden,
                           max_position_embeddings=args.seq + 4, pad_token_id=tok.pad_token_id,
                           bos_token_id=tok.cls_token_id, eos_token_id=tok.sep_token_id,
                           architectures=["XLMRobertaForMaskedLM"])
    model = XLMRobertaForMaskedLM(cfg)
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01, betas=(0.9, 0.98))
    corrupt = Corruptor(tok, seqs, args.mask_rate, args.seed)
    stream = batches(seqs, tok.pad_token_id, args.batch_tokens, random.Random(args.seed))
    start, deadline = time.time(), t0 + args.minutes * 60 - 120  # keep 2 min for the evaluation
    step, tokens, warm = 0, 0, 300
    model.train()
    while time.time() < deadline:
        ids, att = next(stream)
        ids, labels = corrupt(ids)
        # linear warm-up, then linear decay to 5 % over the remaining wall-clock budget
        done = (time.time() - start) / (deadline - start)
        for g in opt.param_groups:
            g["lr"] = args.lr * min(1.0, (step + 1) / warm) * max(0.05, 1.0 - done)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            loss = masked_loss(model, ids, att, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        step += 1
        tokens += int(att.sum())
        if step % 200 == 0:
            print(f"step {step} loss {float(loss):.3f} {tokens / (time.time() - start):.0f} tok/s "
                  f"{(time.time() - t0) / 60:.1f} min", file=sys.stderr)
    train_s = time.time() - t0
    ppl = {lang: round(masked_perplexity(model, tok, held_seqs[lang], args.seed), 1) for lang in langs}
    model.half().save_pretrained(out)  # fp16 on disk: half the size; loaded as float32 on CPU
    tok.save_pretrained(out)
    size = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    info = {"params": params, "steps": step, "train_tokens": tokens, "train_seconds": round(train_s),
            "total_seconds": round(time.time() - t0), "masked_token_perplexity_held_out": ppl,
            "train_sentences": len(seqs),
            "train_lines": {lang: len(train[lang]) for lang in langs},
            "held_out_sentences": {lang: len(held_seqs[lang]) for lang in langs},
            "bytes_on_disk": size, "torch": torch.__version__, "args": vars(args)}
    (out / "training.json").write_text(json.dumps(info, indent=1) + "\n")
    print(json.dumps(info, indent=1))


if __name__ == "__main__":
    main()
