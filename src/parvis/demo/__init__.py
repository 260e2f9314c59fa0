"""The demo content of ``make demo`` (``manage.py load_demo``): people, organisations, events,
groups, posts, consultations, moderation work and notifications on the imported territory.

A top layer: it may import any app, and no app imports it. What the demo shows lives in
``data/*.yaml``; the modules beside (one per app) turn it into rows. See docs/development.md.
"""
