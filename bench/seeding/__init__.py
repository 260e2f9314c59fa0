"""The benchmark dataset's steps, one module a domain; ``bench/seed.py`` runs them."""
