"""The report categories a département starts with (the migration ``0002`` and the demo create
them; moderators edit them in the admin). Plain data, stable: a migration imports it."""

# slug, name, route, description
CATEGORIES = [
    (
        "route-departementale",
        "Route départementale",
        "council",
        "Chaussée, accotements, fossés et signalisation des routes départementales.",
    ),
    (
        "voirie-trottoirs",
        "Voirie et trottoirs",
        "commune",
        "Nids-de-poule, trottoirs abîmés, bordures, dans les rues de la commune.",
    ),
    (
        "eclairage-public",
        "Éclairage public",
        "commune",
        "Lampadaire éteint, allumé le jour, abîmé.",
    ),
    ("depot-sauvage", "Dépôt sauvage", "commune", "Déchets, encombrants ou gravats abandonnés."),
    (
        "accessibilite",
        "Accessibilité",
        "commune",
        "Obstacle pour un fauteuil, une poussette, une personne aveugle ou malvoyante.",
    ),
    ("espaces-verts", "Espaces verts", "commune", "Arbre dangereux, haie à tailler, aire de jeux."),
    (
        "mobilier-signalisation",
        "Mobilier urbain et signalisation",
        "commune",
        "Banc, abribus, panneau ou feu tricolore endommagé.",
    ),
    ("autre", "Autre problème dans l'espace public", "commune", ""),
]
