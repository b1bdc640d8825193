"""The embedded models (detector.json, ngram/, mlm/, translation/), installed as the package data of
``checker.models`` (pyproject.toml maps this directory), so that ``checker.assets`` finds them with
importlib.resources wherever the package is installed. The scripts beside them rebuild them."""
