"""URL converters of the agenda's dated pages: /agenda/mois/2027-01/, /agenda/jour/2027-01-05/.

Numbers are zero-padded both ways, so every date has one URL. Out-of-range values (month 13,
February 30) match and then answer 404 in the view.
"""


class AgendaYearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class AgendaMonthConverter(AgendaYearConverter):
    regex = "[0-9]{2}"

    def to_url(self, value):
        return f"{int(value):02d}"


class AgendaDayConverter(AgendaMonthConverter):
    pass
