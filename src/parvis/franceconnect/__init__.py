"""Sign in with FranceConnect: django-allauth's OpenID Connect support held to FranceConnect's
rules (docs/configuration.md, "FranceConnect")."""
