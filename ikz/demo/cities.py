"""The demo's municipalities and people.

Real municipalities (AGS and rounded populations as published by the statistical offices);
the people are fictional.
"""

from __future__ import annotations

MUNICIPALITIES: list[tuple[str, str, int, str]] = [
    ("Flensburg", "01001000", 92_550, "stadt"),
    ("Neumünster", "01004000", 80_200, "stadt"),
    ("Jena", "16053000", 110_700, "stadt"),
    ("Weimar", "16055000", 65_600, "stadt"),
    ("Brandenburg an der Havel", "12051000", 73_000, "stadt"),
    ("Potsdam", "12054000", 185_000, "stadt"),
    ("Erlangen", "09562000", 117_800, "stadt"),
    ("Fürth", "09563000", 131_400, "stadt"),
    ("Schwabach", "09565000", 41_400, "stadt"),
    ("Braunschweig", "03101000", 251_800, "stadt"),
    ("Salzgitter", "03102000", 104_300, "stadt"),
    ("Wolfsburg", "03103000", 125_700, "stadt"),
    ("Cottbus", "12052000", 98_700, "stadt"),
    ("Frankfurt (Oder)", "12053000", 57_000, "stadt"),
    ("Nürnberg", "09564000", 523_000, "stadt"),
    # Added for the founding and funding cases (ikz.demo.scenes): NRW and Hessen.
    ("Bielefeld", "05711000", 334_000, "stadt"),
    ("Gütersloh", "05754008", 102_000, "stadt"),
    ("Paderborn", "05774032", 157_000, "stadt"),
    ("Marburg", "06534014", 77_500, "stadt"),
    ("Gießen", "06531005", 92_000, "stadt"),
    ("Wetzlar", "06532023", 53_500, "stadt"),
]

# Fictional people: (first name, last name) for the mayor and the contact of each city.
NAMES = [
    ("Anke", "Petersen", "Lars", "Hansen"),
    ("Tobias", "Bergmann", "Sina", "Ohlsen"),
    ("Katrin", "Wendt", "Jonas", "Fiedler"),
    ("Martin", "Vogt", "Elena", "Krause"),
    ("Sabine", "Lorenz", "Paul", "Richter"),
    ("Mike", "Schubert", "Nadine", "Hoffmann"),
    ("Florian", "Maier", "Julia", "Weber"),
    ("Gisela", "Brandl", "Thomas", "Huber"),
    ("Peter", "Reiß", "Ute", "Seidl"),
    ("Heike", "Brandes", "Ole", "Meyer"),
    ("Frank", "Kuhn", "Miriam", "Stolz"),
    ("Dennis", "Lange", "Petra", "Busch"),
    ("Ines", "Schulze", "Robert", "Klein"),
    ("Rene", "Wilke", "Carla", "Nowak"),
    ("Markus", "Albers", "Silke", "Franke"),
    ("Claudia", "Hartmann", "Jan", "Niehaus"),
    ("Bernd", "Wittkamp", "Lea", "Kemper"),
    ("Ulrich", "Drewes", "Anna", "Schettler"),
    ("Kerstin", "Ahrens", "David", "Roth"),
    ("Matthias", "Lenz", "Svenja", "Euler"),
    ("Birgit", "Seibel", "Timo", "Nagel"),
]


def slug(name: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "-", "(": "", ")": ""})
    return name.lower().translate(table)
