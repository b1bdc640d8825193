"""Batch runs over corpora: inputs in several layouts -> resumable, ordered, parallel (or
distributed) checking -> segments.jsonl, summary.json (with sacrebleu scores) and report.html."""
