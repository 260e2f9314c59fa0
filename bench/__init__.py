"""Benchmark tooling: the Oise-scale dataset (``seed.py``) and the measurements that use it."""
