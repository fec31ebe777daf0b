"""Country names, aliases and demonyms: which countries a text names, and which country a word names.

Pure data and two lookups; used by ingest.metadata (a document's countries) and the answer layer (a country in a
question is always a distinctive name).
"""
from __future__ import annotations

import re
from collections import Counter


def countries_in(text: str) -> tuple[str, ...]:
    """Countries named in the text (names and demonyms), most frequent first, ties by first mention."""
    counts = Counter(_COUNTRY_BY_ALIAS[m] for m in _COUNTRY_RE.findall(text))
    return tuple(name for name, _ in counts.most_common())


def country_named(word: str) -> str:
    """The country a word names ("uzbek", "Azerbaijani", "Russia"), canonical, or "" when it names none."""
    return _COUNTRY_BY_ANY_CASE.get(word.strip().lower(), "")


def split_countries(value: str) -> tuple[str, ...]:
    """The "countries" override: comma-separated names, in the caller's order."""
    return tuple(name.strip() for name in value.split(",") if name.strip())


# Country names as "Canonical: alias, alias" entries. Aliases are matched case-sensitively as whole words,
# longest first ("South Sudan" before "Sudan"). Demonyms that are mostly languages here ("Russian") are kept:
# in this corpus they nearly always refer to the state. "American" is left out ("Latin American").
_COUNTRY_DATA = """
Afghanistan: Afghan | Albania: Albanian | Algeria: Algerian | Andorra | Angola: Angolan | Argentina: Argentinian |
Armenia: Armenian | Australia: Australian | Austria: Austrian | Azerbaijan: Azerbaijani, Azərbaycan | Bahamas |
Bahrain: Bahraini | Bangladesh: Bangladeshi | Barbados | Belarus: Belarusian | Belgium: Belgian | Belize | Benin |
Bhutan | Bolivia: Bolivarian Republic of Bolivia, Plurinational State of Bolivia | Bosnia and Herzegovina |
Botswana | Brazil: Brazilian | Brunei: Brunei Darussalam | Bulgaria: Bulgarian | Burkina Faso | Burundi |
Cabo Verde: Cape Verde | Cambodia: Cambodian | Cameroon | Canada: Canadian | Central African Republic | Chad |
Chile: Chilean | China: Chinese | Colombia: Colombian | Comoros | Congo | Costa Rica |
Côte d'Ivoire: Côte d’Ivoire | Croatia: Croatian | Cuba: Cuban | Cyprus | Czechia: Czech Republic |
North Korea: Democratic People's Republic of Korea, Democratic People’s Republic of Korea |
DR Congo: Democratic Republic of the Congo | Denmark: Danish | Djibouti | Dominica | Dominican Republic | Ecuador |
Egypt: Egyptian | El Salvador | Equatorial Guinea | Eritrea | Estonia: Estonian | Eswatini | Ethiopia: Ethiopian |
Fiji | Finland: Finnish | France: French | Gabon | Gambia | Georgia: Georgian | Germany: German | Ghana: Ghanaian |
Greece: Greek | Grenada | Guatemala | Guinea | Guinea-Bissau | Guyana | Haiti | Honduras | Hungary: Hungarian |
Iceland | India: Indian | Indonesia: Indonesian | Iran: Islamic Republic of Iran, Iranian | Iraq: Iraqi |
Ireland: Irish | Israel: Israeli | Italy: Italian | Jamaica | Japan: Japanese | Jordan |
Kazakhstan: Kazakh, Kazakhstani | Kenya: Kenyan | Kiribati | Kuwait | Kyrgyzstan: Kyrgyz |
Laos: Lao People's Democratic Republic, Lao People’s Democratic Republic | Latvia | Lebanon | Lesotho | Liberia |
Libya | Liechtenstein | Lithuania | Luxembourg | Madagascar | Malawi | Malaysia | Maldives | Mali | Malta |
Marshall Islands | Mauritania | Mauritius | Mexico: Mexican | Micronesia | Moldova: Republic of Moldova, Moldovan |
Monaco | Mongolia: Mongolian | Montenegro | Morocco: Moroccan | Mozambique | Myanmar | Namibia | Nauru | Nepal |
Netherlands: Dutch, Kingdom of the Netherlands | New Zealand | Nicaragua | Niger | Nigeria: Nigerian |
North Macedonia | Norway: Norwegian | Oman | Pakistan: Pakistani | Palau |
Palestine: State of Palestine, Palestinian | Panama | Papua New Guinea | Paraguay | Peru | Philippines: Filipino |
Poland: Polish | Portugal: Portuguese | Qatar | South Korea: Republic of Korea, Korea, Korean | Romania: Romanian |
Russia: Russian Federation, Russian | Rwanda | Saint Kitts and Nevis | Saint Lucia |
Saint Vincent and the Grenadines | Samoa | San Marino | Sao Tome and Principe | Saudi Arabia: Saudi | Senegal |
Serbia: Serbian | Seychelles | Sierra Leone | Singapore | Slovakia: Slovak | Slovenia: Slovenian, Slovene |
Solomon Islands | Somalia | South Africa | South Sudan | Spain: Spanish | Sri Lanka | Sudan | Suriname |
Sweden: Swedish | Switzerland: Swiss | Syria: Syrian Arab Republic, Syrian | Tajikistan: Tajik |
Tanzania: United Republic of Tanzania | Thailand: Thai | Timor-Leste | Togo | Tonga | Trinidad and Tobago |
Tunisia | Türkiye: Turkey, Turkish | Turkmenistan: Turkmen | Tuvalu | Uganda | Ukraine: Ukrainian |
United Arab Emirates | United Kingdom: United Kingdom of Great Britain and Northern Ireland, British, UK |
United States: United States of America, USA, US, U.S. | Uruguay | Uzbekistan: Uzbek, Uzbekistani | Vanuatu |
Venezuela: Bolivarian Republic of Venezuela | Viet Nam: Vietnam, Vietnamese | Yemen | Zambia | Zimbabwe
"""


def _parse_countries(data: str) -> dict[str, str]:
    """alias -> canonical name, from _COUNTRY_DATA."""
    by_alias = {}
    for entry in data.replace("\n", " ").split("|"):
        name, _, aliases = entry.partition(":")
        for alias in [name, *aliases.split(",")]:
            if alias.strip():
                by_alias[alias.strip()] = name.strip()
    return by_alias


_COUNTRY_BY_ALIAS = _parse_countries(_COUNTRY_DATA)
COUNTRY_BY_LOWER = {name.lower(): name for name in _COUNTRY_BY_ALIAS.values() if " " not in name}
_COUNTRY_BY_ANY_CASE = {alias.lower(): name for alias, name in _COUNTRY_BY_ALIAS.items()}
_COUNTRY_RE = re.compile(
    r"(?<![\w.])(" + "|".join(map(re.escape, sorted(_COUNTRY_BY_ALIAS, key=len, reverse=True))) + r")(?!\w)"
)
