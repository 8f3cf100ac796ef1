"""Swedish names and place words for the demo world.

The lists are hand-written (common first names, family names and street names in Sweden)
and fictional in combination: a demo person's name is drawn at random and says nothing
about whoever holds the same test personnummer in other test systems.
"""

from __future__ import annotations

FEMALE_GIVEN_NAMES: tuple[str, ...] = (
    "Anna", "Eva", "Maria", "Karin", "Sara", "Christina", "Lena", "Emma", "Kerstin",
    "Marie", "Malin", "Ingrid", "Jenny", "Hanna", "Linnéa", "Sofia", "Annika", "Elin",
    "Birgitta", "Susanne", "Johanna", "Ida", "Camilla", "Inger", "Ulla", "Elsa", "Alice",
    "Maja", "Ebba", "Astrid", "Wilma", "Klara", "Julia", "Alma", "Ella", "Agnes", "Saga",
    "Freja", "Selma", "Vera", "Signe", "Ester", "Märta", "Elisabeth", "Helena", "Therese",
    "Frida", "Lovisa", "Matilda", "Amanda", "Josefin", "Cecilia", "Gunilla", "Margareta",
    "Britt", "Siv", "Gun", "Monica", "Åsa", "Yvonne", "Nour", "Amira", "Leyla", "Aisha",
)  # fmt: skip

MALE_GIVEN_NAMES: tuple[str, ...] = (
    "Lars", "Mikael", "Anders", "Johan", "Erik", "Per", "Karl", "Peter", "Thomas", "Jan",
    "Daniel", "Fredrik", "Hans", "Andreas", "Stefan", "Mats", "Magnus", "Mattias", "Jonas",
    "Niklas", "Bengt", "Sven", "Björn", "Bo", "Göran", "Leif", "Nils", "Olof", "Gustav",
    "Oskar", "William", "Lucas", "Liam", "Elias", "Hugo", "Noah", "Adam", "Alexander",
    "Oliver", "Axel", "Viktor", "Emil", "Isak", "Ludvig", "Filip", "Albin", "Linus",
    "Anton", "Simon", "Sebastian", "Rasmus", "Henrik", "Ola", "Kjell", "Rolf", "Ulf",
    "Torbjörn", "Gunnar", "Åke", "Arvid", "Omar", "Ali", "Yusuf", "Mohammed",
)  # fmt: skip

FAMILY_NAMES: tuple[str, ...] = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson",
    "Bengtsson", "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Lindström", "Olofsson",
    "Lindqvist", "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg", "Lundgren",
    "Lind", "Lundqvist", "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson",
    "Forsberg", "Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson", "Lundin",
    "Håkansson", "Björk", "Bergman", "Gunnarsson", "Holm", "Wikström", "Samuelsson",
    "Isaksson", "Fransson", "Bergqvist", "Nyström", "Holmberg", "Arvidsson", "Löfgren",
    "Söderberg", "Nyberg", "Blomqvist", "Claesson", "Nordström", "Mårtensson", "Lundström",
    "Eliasson", "Pålsson", "Björklund", "Viklund", "Berggren", "Sandström", "Lund",
    "Nordin", "Ström", "Åberg", "Hermansson", "Ekström", "Holmgren", "Sundberg", "Hedlund",
    "Dahlberg", "Hellström", "Sjögren", "Abrahamsson", "Falk", "Öberg", "Andreasson",
    "Månsson", "Ekberg", "Blom", "Ali", "Mohammed", "Hassan", "Ahmed", "Nguyen", "Kaya",
)  # fmt: skip

STREET_NAMES: tuple[str, ...] = (
    "Storgatan", "Drottninggatan", "Kungsgatan", "Järnvägsgatan", "Skolgatan",
    "Kyrkogatan", "Nygatan", "Parkgatan", "Trädgårdsgatan", "Östra Långgatan",
    "Västra Vägen", "Norra Vägen", "Södra Vägen", "Industrigatan", "Stationsgatan",
    "Ringvägen", "Björkvägen", "Tallvägen", "Granvägen", "Lindvägen", "Ekvägen",
    "Lönnvägen", "Aspvägen", "Rönnvägen", "Hagvägen", "Ängsvägen", "Sjövägen",
    "Strandvägen", "Backvägen", "Skogsvägen", "Bergsgatan", "Åkervägen", "Villagatan",
    "Hamngatan", "Torggatan", "Prästgårdsgatan", "Klövervägen", "Blåklockevägen",
    "Smedjegatan", "Bruksgatan", "Mejerivägen", "Gärdesvägen", "Solvägen", "Idrottsvägen",
    "Fabriksgatan", "Kvarngatan", "Lärkvägen", "Svalvägen", "Vallgatan", "Tingsgatan",
)  # fmt: skip

# Suffixes that tell a town's vårdcentraler apart ("Vårdcentralen Luleå Norra").
UNIT_AREAS: tuple[str, ...] = (
    "Centrum", "Norra", "Södra", "Östra", "Västra", "Torget", "Hamnen", "Parken",
    "Bergsjön", "Ängen", "Strand", "Slottet", "Kvarnen", "Brunnen", "Hagen", "Backen",
    "Skogen", "Bruket", "Dalen", "Stationen",
)  # fmt: skip

# Names of residential care homes (särskilt boende).
CARE_HOME_NAMES: tuple[str, ...] = (
    "Solgården", "Björkgården", "Lindgården", "Ekbacken", "Tallbacken", "Rosengården",
    "Ängsgården", "Sjögläntan", "Hagaberg", "Almgården", "Vallmon", "Lärkan",
)  # fmt: skip
