"""French place names in running text: "de Beauvais", "d'Estrées-Saint-Denis", "du Coudray"."""


def of(name):
    """French "of" before a place name: de Beauvais, d'Ully-Saint-Georges, du Coudray."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name[:1].upper() in "AEIOUYÉÈÊÂÎÔ":
        return "d'" + name
    return "de " + name


def of_epci(name):
    """ "de la CA du Beauvaisis", "de la Communauté de communes des Sablons"."""
    if name.split(" ", 1)[0] in {"CA", "CC", "CU", "Communauté", "Métropole"}:
        return "de la " + name
    return of(name)


def of_departement(name):
    return ("de l'" + name) if name[:1].upper() in "AEIOUYÉÈÊÂÎÔ" else ("de " + name)
