#!/usr/bin/env python3
"""Deterministic synthetic corpus of military-diplomacy news articles, for benchmarks.

    python3 bench/gen_corpus.py --articles N --out DIR --seed 1

Writes N UTF-8 `.txt` articles of 2-5 KB each into DIR (created if missing), in the genre of
seeds/ and shared/eval/dev/: visits of senior officers (arrived in CITY on WEEKDAY, held talks
with his COUNTRY counterpart, toured A, B and C, the delegation included ...), defence
agreements (memorandum of understanding, letter of intent, roadmap, defence cooperation
agreement) with signatories, places and dates, units and sub-units, bases, datelines and
date headers, and background paragraphs.

The people are invented (given names and syllable-built surnames), drawn from a pool whose size
grows with N (`--people`, default max(400, N/8)); they recur across many articles with a
Zipf-like frequency, and each article (each "outlet") may spell them with transliteration
variants (Mohammed/Muhammad, -ov/-off, Ou/U, doubled consonants, El-/Al-, -y/-i ...).
Countries, capitals, demonyms and services are real; bases are invented place names.

The same --seed, --articles and --people always give byte-identical files. Pure stdlib.
"""

import argparse
import datetime as dt
import hashlib
import os
import random
import sys

# ---------------------------------------------------------------------------------------------
# The world: countries (name, demonym, capital, other cities, naming style, royal prefix,
# name of the ministry, short name used in datelines).

COUNTRIES = [
    # name, demonym, capital, cities, style, air force name override (None = demonym + Air Force)
    ("Morocco", "Moroccan", "Rabat", ["Casablanca", "Marrakesh", "Kenitra", "Meknes"], "arabic", "Royal"),
    ("Egypt", "Egyptian", "Cairo", ["Alexandria", "Port Said", "Luxor", "Aswan"], "arabic", None),
    ("Jordan", "Jordanian", "Amman", ["Zarqa", "Aqaba", "Irbid"], "arabic", "Royal"),
    ("Saudi Arabia", "Saudi", "Riyadh", ["Jeddah", "Dammam", "Taif"], "arabic", "Royal"),
    ("United Arab Emirates", "Emirati", "Abu Dhabi", ["Dubai", "Sharjah", "Al Ain"], "arabic", None),
    ("Algeria", "Algerian", "Algiers", ["Oran", "Constantine", "Annaba"], "arabic", None),
    ("Tunisia", "Tunisian", "Tunis", ["Sfax", "Sousse", "Bizerte"], "arabic", None),
    ("Oman", "Omani", "Muscat", ["Salalah", "Sohar"], "arabic", "Royal"),
    ("Qatar", "Qatari", "Doha", ["Al Wakrah"], "arabic", None),
    ("Pakistan", "Pakistani", "Islamabad", ["Karachi", "Lahore", "Peshawar", "Quetta"], "south_asian", None),
    ("India", "Indian", "New Delhi", ["Mumbai", "Bengaluru", "Chennai", "Kolkata", "Pune"], "south_asian", None),
    ("Bangladesh", "Bangladeshi", "Dhaka", ["Chittagong", "Sylhet"], "south_asian", None),
    ("Sri Lanka", "Sri Lankan", "Colombo", ["Kandy", "Galle", "Jaffna"], "south_asian", None),
    ("Greece", "Greek", "Athens", ["Thessaloniki", "Patras", "Heraklion", "Larissa"], "greek", None),
    ("Cyprus", "Cypriot", "Nicosia", ["Limassol", "Larnaca", "Paphos"], "greek", None),
    ("Israel", "Israeli", "Jerusalem", ["Tel Aviv", "Haifa", "Beersheba", "Eilat"], "hebrew", None),
    ("France", "French", "Paris", ["Lyon", "Marseille", "Toulouse", "Bordeaux", "Brest"], "french", None),
    ("Belgium", "Belgian", "Brussels", ["Antwerp", "Ghent", "Liege"], "french", None),
    ("Italy", "Italian", "Rome", ["Milan", "Naples", "Turin", "Florence"], "italian", None),
    ("Spain", "Spanish", "Madrid", ["Barcelona", "Seville", "Zaragoza", "Bilbao"], "spanish", None),
    ("Portugal", "Portuguese", "Lisbon", ["Porto", "Coimbra", "Faro"], "spanish", None),
    ("Brazil", "Brazilian", "Brasilia", ["Sao Paulo", "Rio de Janeiro", "Recife", "Manaus"], "spanish", None),
    ("Chile", "Chilean", "Santiago", ["Valparaiso", "Concepcion", "Antofagasta"], "spanish", None),
    ("Mexico", "Mexican", "Mexico City", ["Guadalajara", "Monterrey", "Puebla"], "spanish", None),
    ("Colombia", "Colombian", "Bogota", ["Medellin", "Cali", "Barranquilla"], "spanish", None),
    ("Germany", "German", "Berlin", ["Hamburg", "Munich", "Cologne", "Bonn"], "germanic", None),
    ("Netherlands", "Dutch", "Amsterdam", ["Rotterdam", "The Hague", "Utrecht"], "germanic", "Royal"),
    ("Norway", "Norwegian", "Oslo", ["Bergen", "Trondheim", "Stavanger"], "germanic", "Royal"),
    ("Sweden", "Swedish", "Stockholm", ["Gothenburg", "Malmo", "Uppsala"], "germanic", None),
    ("Poland", "Polish", "Warsaw", ["Krakow", "Gdansk", "Poznan", "Wroclaw"], "slavic", None),
    ("Bulgaria", "Bulgarian", "Sofia", ["Plovdiv", "Varna", "Burgas"], "slavic", None),
    ("Kazakhstan", "Kazakh", "Astana", ["Almaty", "Shymkent", "Karaganda"], "slavic", None),
    ("Uzbekistan", "Uzbek", "Tashkent", ["Samarkand", "Bukhara", "Namangan"], "slavic", None),
    ("Azerbaijan", "Azerbaijani", "Baku", ["Ganja", "Sumqayit"], "slavic", None),
    ("Turkey", "Turkish", "Ankara", ["Istanbul", "Izmir", "Konya", "Adana"], "turkish", None),
    ("United Kingdom", "British", "London", ["Manchester", "Birmingham", "Glasgow", "Portsmouth"], "english", "Royal"),
    ("Australia", "Australian", "Canberra", ["Sydney", "Melbourne", "Brisbane", "Perth"], "english", "Royal"),
    ("Canada", "Canadian", "Ottawa", ["Toronto", "Montreal", "Vancouver", "Halifax"], "english", "Royal"),
    ("United States", "American", "Washington", ["New York", "San Diego", "Norfolk", "Honolulu"], "english", None),
    ("Indonesia", "Indonesian", "Jakarta", ["Surabaya", "Bandung", "Medan", "Makassar"], "malay", None),
    ("Malaysia", "Malaysian", "Kuala Lumpur", ["George Town", "Johor Bahru", "Kuching"], "malay", "Royal"),
    ("Thailand", "Thai", "Bangkok", ["Chiang Mai", "Phuket", "Pattaya"], "thai", "Royal"),
    ("Japan", "Japanese", "Tokyo", ["Osaka", "Yokohama", "Nagoya", "Sapporo"], "japanese", None),
    ("Nigeria", "Nigerian", "Abuja", ["Lagos", "Kano", "Ibadan", "Port Harcourt"], "african", None),
    ("Kenya", "Kenyan", "Nairobi", ["Mombasa", "Kisumu", "Nakuru"], "african", None),
    ("Ghana", "Ghanaian", "Accra", ["Kumasi", "Tamale", "Takoradi"], "african", None),
    ("Senegal", "Senegalese", "Dakar", ["Thies", "Saint-Louis", "Ziguinchor"], "french", None),
]

AGENCIES = ["ANI", "AFP", "Reuters", "AP", "MAP", "APS", "TASS", "Anadolu", "PTI", "Xinhua", "DPA", "EFE", "ANSA"]
OUTLETS = ["Defense News", "Janes", "Breaking Defense", "Army Recognition", "Al-Monitor", "The National",
           "Kathimerini", "Ahram Online", "The Hindu", "Hurriyet Daily News", "Le Monde", "Naval News",
           "Air & Cosmos", "Flight Global", "Asia Times", "The Diplomat", "Middle East Eye", "Defense Post"]

# Given names per naming style; the first of a tuple is canonical, the rest are transliterations.
GIVEN = {
    "arabic": [("Mohammed", "Muhammad", "Mohamed", "Mohammad"), ("Ahmed", "Ahmad"), ("Youssef", "Yousef", "Yusuf"),
               ("Hisham", "Hesham"), ("Tarek", "Tariq", "Tarik"), ("Mustafa", "Mostafa"), ("Omar", "Umar"),
               ("Saeed", "Said"), ("Hassan", "Hasan"), ("Khaled", "Khalid"), ("Abdullah", "Abdallah"),
               ("Nasser", "Nasir"), ("Faisal", "Faysal"), ("Walid", "Waleed"), ("Karim", "Kareem"), ("Samir", "Sameer"),
               ("Rachid", "Rashid"), ("Ibrahim", "Ebrahim"), ("Othman", "Osman", "Uthman"), ("Hamza", "Hamzah")],
    "south_asian": [("Suresh",), ("Arvind",), ("Rajesh",), ("Vikram",), ("Anil",), ("Sanjay",), ("Zaheer", "Zahir"),
                    ("Imran",), ("Mohammed", "Muhammad"), ("Asif",), ("Rakesh",), ("Prakash",), ("Nadeem", "Nadim"),
                    ("Tanvir", "Tanveer"), ("Harish",), ("Kumara",), ("Sunil",), ("Mahinda",)],
    "greek": [("Charalampos", "Haralambos", "Charalambos"), ("Evangelos", "Vangelis"), ("Georgios", "Yiorgos", "George"),
              ("Dimitrios", "Dimitris"), ("Konstantinos", "Constantinos"), ("Ioannis", "Yannis"), ("Nikolaos", "Nikos"),
              ("Panagiotis", "Panayiotis"), ("Christos", "Hristos"), ("Athanasios", "Thanasis"), ("Stylianos", "Stelios")],
    "hebrew": [("Tomer",), ("Amir",), ("Yossi", "Yosi"), ("Eyal",), ("Aharon", "Aaron"), ("Avi",), ("Nimrod",),
               ("Itzhak", "Yitzhak", "Itzik"), ("Oded",), ("Ronen",), ("Gilad",), ("Moshe",)],
    "french": [("Etienne", "Étienne"), ("Jean-Baptiste",), ("Pierre",), ("Thierry",), ("Philippe",), ("Olivier",),
               ("Francois", "François"), ("Laurent",), ("Mamadou",), ("Cheikh", "Sheikh"), ("Jerome", "Jérôme"), ("Benoit", "Benoît")],
    "italian": [("Giuseppe",), ("Luca",), ("Alessandro",), ("Francesco",), ("Marco",), ("Giovanni",), ("Stefano",), ("Paolo",)],
    "spanish": [("Jose", "José"), ("Juan",), ("Carlos",), ("Miguel",), ("Joao", "João"), ("Luis", "Luís"),
                ("Fernando",), ("Ricardo",), ("Andres", "Andrés"), ("Rafael",), ("Sergio",), ("Alejandro",)],
    "germanic": [("Johann", "Johan"), ("Lars",), ("Erik", "Eric"), ("Henrik", "Hendrik"), ("Stefan", "Steffen"),
                 ("Klaus", "Claus"), ("Pieter", "Peter"), ("Jan",), ("Magnus",), ("Wolfgang",), ("Anders",)],
    "slavic": [("Sergei", "Sergey", "Serguei"), ("Alexei", "Aleksey", "Alexey"), ("Dmitri", "Dmitry"), ("Yuri", "Yury", "Iouri"),
               ("Andrei", "Andrey"), ("Nurlan",), ("Rustam",), ("Bakhtiyar", "Bakhtiar"), ("Tomasz",), ("Krzysztof",),
               ("Ivaylo", "Ivailo"), ("Zakir",), ("Elchin",), ("Timur", "Temur")],
    "turkish": [("Mehmet", "Mehmed"), ("Hasan", "Hassan"), ("Ahmet", "Ahmed"), ("Mustafa",), ("Murat", "Murad"),
                ("Selcuk", "Selçuk"), ("Umit", "Ümit"), ("Kemal",), ("Yasar", "Yaşar"), ("Orhan",)],
    "english": [("James",), ("John",), ("Richard",), ("Michael",), ("David",), ("Robert",), ("Andrew",), ("Mark",),
                ("Stephen", "Steven"), ("Philip", "Phillip"), ("Timothy",), ("Christopher",)],
    "malay": [("Mohd", "Mohamad", "Muhammad"), ("Ahmad",), ("Hadi",), ("Agus",), ("Fadjar", "Fajar"), ("Yudo",),
              ("Tonny", "Toni"), ("Ismail",), ("Zulkifli",), ("Asyraf", "Ashraf")],
    "thai": [("Somchai",), ("Prasert",), ("Chaiyaphruek", "Chaiyapruk"), ("Anuchit",), ("Narongpan", "Narongphan"), ("Sitthichai",)],
    "japanese": [("Hiroshi",), ("Takashi",), ("Shunji", "Syunji"), ("Kenji",), ("Yoshihide",), ("Koji", "Kouji"), ("Ryo",)],
    "african": [("Oluwaseun",), ("Emmanuel",), ("Ibrahim",), ("Chukwuemeka",), ("Samuel",), ("Kwame",), ("Joseph",), ("Hassan",)],
}

# Surname syllables per style: onset syllables and endings.
SURNAME = {
    "arabic": (["Bou", "Ben", "Al", "Ha", "Ma", "Sa", "Ka", "Ra", "Na", "Za", "Ta", "Fa", "Sha", "Kha", "Da", "Ja"],
               ["ddi", "shami", "rouni", "louli", "miri", "sawi", "hani", "bari", "souli", "kkari", "hmawi", "tawi",
                "ssani", "jaoui", "ddoumi", "raoui", "lami", "ouzi"],
               ["El-", "Al-", ""]),
    "south_asian": (["Kul", "Sha", "Se", "Ra", "Chau", "Bha", "Mal", "Ver", "Qu", "Ab", "Ja", "Gun", "Pe", "Wi"],
                    ["karni", "rma", "thi", "hdury", "tnagar", "hotra", "ma", "reshi", "basi", "ffar", "sekara", "rera", "jesinghe"],
                    [""]),
    "greek": (["Vre", "Mav", "Kon", "Pa", "Dra", "Sta", "Ko", "Lou", "Tsa", "Ka", "Ma", "Ge", "Chri"],
              ["ttakos", "ridis", "stantinou", "padopoulos", "gakis", "thopoulos", "kkinos", "kas", "ntakis", "rakis",
               "nolis", "rgiou", "stodoulou"],
              [""]),
    "hebrew": (["Bar", "Ben", "Ha", "Ka", "Sha", "Zam", "Esh", "Gol", "Nor", "Tal", "Lev", "Ro"],
               ["", "-Ami", "levi", "tz", "mir", "el", "kol", "dan", "nen", "shon"], [""]),
    "french": (["Vau", "Rou", "Ma", "Du", "Le", "Ber", "Fau", "Gi", "Diou", "Nd", "Sa", "Bou"],
               ["trin", "ssel", "rchand", "pont", "clerc", "trand", "vel", "rard", "f", "iaye", "ll", "chard"], [""]),
    "italian": (["Ros", "Fer", "Bi", "Co", "Ma", "Ga", "Ri", "Lom", "Sar"], ["si", "rari", "anchi", "lombo", "rino", "lli", "cci", "bardi", "tori"], [""]),
    "spanish": (["Gar", "Fer", "Mar", "Ro", "San", "Al", "Sil", "Per", "Go", "Ca", "Ol", "Vas"],
                ["cia", "nandez", "tinez", "driguez", "tos", "meida", "va", "eira", "mes", "rvalho", "iveira", "concelos"], [""]),
    "germanic": (["Mül", "Schmi", "Ber", "Hal", "Jo", "Lind", "Ny", "Ha", "Ei", "Kra", "Sol", "Ro"],
                 ["ler", "dt", "gström", "vorsen", "hansen", "qvist", "gaard", "mann", "stad", "chhorn", "use", "berg"], [""]),
    "slavic": (["Iva", "Pet", "Sok", "Nur", "Bek", "Kar", "Tash", "Ali", "Kowal", "Nowa", "Dim", "Geor", "Mam"],
               ["nov", "rov", "olov", "lanov", "bayev", "imov", "kentov", "yev", "ski", "k", "itrov", "giev", "madov"], [""]),
    "turkish": (["Yıl", "Kara", "Ak", "Öz", "Kü", "Ars", "Gü", "Er", "Do", "Şa"],
                ["dız", "kaya", "soy", "türk", "çük", "lan", "ler", "dem", "ğan", "hin"], [""]),
    "english": (["Whit", "Har", "Mor", "Ash", "Brad", "Cal", "Fen", "Hol", "Kend", "Pres", "Stan", "Wel"],
                ["more", "rison", "gan", "worth", "ley", "lahan", "wick", "loway", "all", "cott", "ford", "lington"], [""]),
    "malay": (["Su", "Har", "Tja", "Pra", "Wi", "Ha", "Is", "Ra", "Zain"],
              ["harto", "yanto", "hjanto", "bowo", "dodo", "shim", "mail", "hman", "uddin"], [""]),
    "thai": (["Chai", "Sri", "Boon", "Pra", "Wong", "Tha"], ["sawat", "sakul", "yarat", "wit", "suwan", "nakorn"], [""]),
    "japanese": (["Yama", "Ta", "Ma", "Ko", "Ii", "Na", "Su"], ["moto", "naka", "tsuda", "bayashi", "zuka", "kamura", "zuki"], [""]),
    "african": (["Ade", "Oba", "Mwa", "Ot", "Kib", "Men", "Asa", "Oke", "Nya"],
                ["bayo", "sanjo", "ngi", "ieno", "aki", "sah", "moah", "ke", "meke"], [""]),
}

SERVICES = {
    # service: (unit head, ranks top-down with an abbreviation or None, chief title, academy)
    "air": ("Air Force", [("Air Chief Marshal", None), ("Air Marshal", None), ("Lieutenant General", "Lt. Gen."),
                          ("General", "Gen."), ("Air Vice Marshal", None), ("Major General", "Maj. Gen."),
                          ("Air Commodore", None), ("Brigadier General", "Brig. Gen."), ("Group Captain", None),
                          ("Colonel", "Col."), ("Wing Commander", None), ("Lieutenant Colonel", "Lt. Col.")]),
    "navy": ("Navy", [("Admiral", "Adm."), ("Vice Admiral", "Vice Adm."), ("Rear Admiral", "Rear Adm."),
                      ("Commodore", None), ("Captain", "Capt."), ("Commander", None)]),
    "army": ("Army", [("General", "Gen."), ("Lieutenant General", "Lt. Gen."), ("Major General", "Maj. Gen."),
                      ("Brigadier General", "Brig. Gen."), ("Brigadier", None), ("Colonel", "Col."),
                      ("Lieutenant Colonel", "Lt. Col."), ("Major", "Maj.")]),
    "joint": ("Armed Forces", [("General", "Gen."), ("Admiral", "Adm."), ("Lieutenant General", "Lt. Gen."),
                               ("Major General", "Maj. Gen."), ("Brigadier General", "Brig. Gen."), ("Colonel", "Col.")]),
}

SUBUNITS = ["training department", "operations staff", "training authority", "logistics directorate",
            "air defence command", "procurement department", "intelligence directorate", "planning department",
            "international cooperation department", "doctrine and training command"]

BASE_SYLL = (["Tan", "And", "Ben", "Kar", "Mar", "Sou", "Ala", "Bel", "Che", "Dar", "Eli", "Far", "Gha", "Hal",
              "Ish", "Jal", "Kel", "Lar", "Mon", "Nor", "Ous", "Pal", "Qad", "Ros", "Sel", "Tor", "Ulm", "Val", "Wad", "Zar"],
             ["agra", "ravida", "guerir", "dana", "sala", "lia", "ouk", "haven", "mir", "ston", "bury", "abad",
              "ville", "dorf", "burg", "pur", "nagar", "field", "akis", "ova"])

TOPICS = ["pilot training", "search and rescue", "air defence coordination", "maritime security", "joint exercises",
          "cyber defence", "counter-terrorism", "military medicine", "logistics and maintenance", "space situational awareness",
          "mine countermeasures", "special operations", "peacekeeping", "military education", "defence industry cooperation",
          "intelligence sharing", "border security", "disaster relief", "electronic warfare", "unmanned systems"]

EXERCISES = ["Iniochos", "Medusa", "Garuda", "African Lion", "Cope Thunder", "Sea Breeze", "Desert Flag", "Blue Flag",
             "Cobra Gold", "Pitch Black", "Anatolian Eagle", "Red Flag", "Bright Star", "Falcon Strike", "Sea Shield"]

AIRCRAFT = ["Rafale", "F-16", "F-35", "Eurofighter Typhoon", "Gripen", "C-130 Hercules", "A400M", "Su-30", "JF-17", "Hawk"]

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five"}


def title_case_service(country, service):
    """The unit name of a country's service: 'Royal Moroccan Air Force', 'Egyptian Navy'."""
    name, demonym, royal = country["name"], country["demonym"], country["royal"]
    head = SERVICES[service][0]
    if name == "United Kingdom" and service in ("air", "navy"):
        return f"Royal {head}"
    prefix = f"{royal} " if royal and service in ("air", "navy") else ""
    return f"{prefix}{demonym} {head}"


# ---------------------------------------------------------------------------------------------
# Transliteration variants.

def surname_variants(name):
    """Other spellings of a surname an outlet might print."""
    out = []
    def add(v):
        if v != name and v not in out and v:
            out.append(v)
    if name.endswith("ov"):
        add(name[:-2] + "off")
    if name.endswith("ev"):
        add(name[:-2] + "eff")
    if name.endswith("yev"):
        add(name[:-3] + "iev")
    if "ou" in name:
        add(name.replace("ou", "u", 1))
    if name.startswith("Ou"):
        add("U" + name[2:])
    for dbl in ("tt", "ss", "kk", "ll", "dd", "ff", "nn", "mm", "rr"):
        if dbl in name:
            add(name.replace(dbl, dbl[0], 1))
            break
    else:
        for i in range(1, len(name) - 2):
            if name[i] in "tslkd" and name[i - 1] in "aeiou" and name[i + 1] in "aeiou":
                add(name[:i + 1] + name[i] + name[i + 1:])
                break
    if name.startswith("El-"):
        add("Al-" + name[3:])
        add(name[3:])
    if name.startswith("Al-"):
        add("El-" + name[3:])
        add("al-" + name[3:])
    if name.endswith("y") and len(name) > 4:
        add(name[:-1] + "i")
    elif name.endswith("i") and len(name) > 4:
        add(name[:-1] + "y")
    if "kh" in name:
        add(name.replace("kh", "h", 1))
    return out


def stable_hash(*parts):
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# The world's recurring people and bases, built from the seed.

class World:
    def __init__(self, seed, people):
        rng = random.Random(f"world:{seed}")
        self.countries = []
        for name, demonym, capital, cities, style, royal in COUNTRIES:
            self.countries.append({"name": name, "demonym": demonym, "capital": capital, "cities": cities,
                                   "style": style, "royal": royal})
        # Bases: a few invented ones per country.
        used = set()
        for c in self.countries:
            c["bases"] = []
            for kind in ("Air Base", "Air Base", "naval base", "Air Base", "military base"):
                while True:
                    nm = rng.choice(BASE_SYLL[0]) + rng.choice(BASE_SYLL[1])
                    if nm not in used:
                        used.add(nm)
                        break
                c["bases"].append(f"{nm} {kind}")
            c["squadrons"] = sorted(rng.sample(range(1, 130), 4))
        # People: country, service, rank, given names, surname; the chiefs first.
        self.people = []
        seen = set()
        per_country = {c["name"]: [] for c in self.countries}
        # First every country's chief of each service, then officers of random countries.
        chiefs = [(c, s) for c in self.countries for s in ("air", "navy", "army", "joint")]
        while len(self.people) < max(people, len(chiefs) + len(self.countries) * 2):
            if len(self.people) < len(chiefs):
                c, service = chiefs[len(self.people)]
                ranks = SERVICES[service][1]
                rank_i = 0
            else:
                c = rng.choice(self.countries)
                service = rng.choices(["air", "navy", "army", "joint"], weights=[5, 3, 3, 1])[0]
                ranks = SERVICES[service][1]
                # Few officers at the top, more below.
                rank_i = min(int(rng.expovariate(0.6)), len(ranks) - 1)
            style = c["style"]
            given = [rng.choice(GIVEN[style])]
            if rng.random() < 0.45:
                g2 = rng.choice(GIVEN[style])
                if g2 != given[0]:
                    given.append(g2)
            onsets, endings, prefixes = SURNAME[style]
            surname = rng.choice(onsets) + rng.choice(endings)
            prefix = rng.choice(prefixes)
            if prefix and rng.random() < 0.5:
                surname = prefix + surname
            key = (c["name"], tuple(g[0] for g in given), surname)
            if key in seen or len(surname) < 3:
                continue
            seen.add(key)
            person = {"id": len(self.people), "chief": len(self.people) < len(chiefs), "country": c, "service": service, "rank": ranks[rank_i],
                      "rank_level": rank_i, "given": given, "surname": surname,
                      "surname_variants": surname_variants(surname)}
            self.people.append(person)
            per_country[c["name"]].append(person)
        self.per_country = per_country
        # Zipf-like weights: person i recurs about 1/(rank+1) as often as the first.
        order = list(range(len(self.people)))
        rng.shuffle(order)
        self.weight = [0.0] * len(self.people)
        for r, pid in enumerate(order):
            self.weight[pid] = 1.0 / (r + 1) ** 0.8


def spelled(person, rng, variant_rate):
    """The person's given names and surname as one outlet spells them."""
    given = []
    for g in person["given"]:
        given.append(rng.choice(g[1:]) if len(g) > 1 and rng.random() < variant_rate else g[0])
    surname = person["surname"]
    if person["surname_variants"] and rng.random() < variant_rate:
        surname = rng.choice(person["surname_variants"])
    # Outlets sometimes drop a second given name.
    if len(given) > 1 and rng.random() < 0.25:
        given = given[:1]
    return " ".join(given), surname


# ---------------------------------------------------------------------------------------------
# One article.

def fmt_date(d, style):
    if style == 0:
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


def the(country, start=False):
    """'the United Kingdom', 'Morocco'; capitalised at the start of a sentence."""
    name = country["name"]
    if name.startswith("United ") or name in ("Netherlands", "Philippines"):
        return ("The " if start else "the ") + name
    return name


def join_list(items):
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


class Article:
    def __init__(self, world, index, seed, variant_rate=0.35):
        self.w = world
        self.rng = random.Random(f"article:{seed}:{index}")
        self.index = index
        self.variant_rate = variant_rate
        self.names = {}  # person id -> (given, surname) as this outlet spells them
        self.introduced = set()

    # People ----------------------------------------------------------------------------------
    def pick_person(self, country, service=None, exclude=(), senior=False):
        rng = self.rng
        pool = [p for p in self.w.per_country[country["name"]]
                if p["id"] not in exclude and (service is None or p["service"] == service)]
        if not pool:
            pool = [p for p in self.w.per_country[country["name"]] if p["id"] not in exclude]
        if senior:
            top = [p for p in pool if p["rank_level"] <= 2]
            pool = top or pool
        weights = [self.w.weight[p["id"]] for p in pool]
        return rng.choices(pool, weights=weights)[0]

    def name_of(self, p):
        if p["id"] not in self.names:
            self.names[p["id"]] = spelled(p, self.rng, self.variant_rate)
        return self.names[p["id"]]

    def full(self, p, rank=True):
        """First mention: 'Lieutenant General X Y'; later: 'Y'."""
        given, surname = self.name_of(p)
        if p["id"] in self.introduced and self.rng.random() < 0.85:
            return surname
        self.introduced.add(p["id"])
        if not rank:
            return f"{given} {surname}"
        rank_name, abbr = p["rank"]
        if abbr and self.rng.random() < 0.25:
            rank_name = abbr
        return f"{rank_name} {given} {surname}"

    def short(self, p):
        return self.name_of(p)[1]

    def unit(self, p):
        return title_case_service(p["country"], p["service"])

    def role(self, p):
        rng = self.rng
        unit = self.unit(p)
        c = p["country"]
        if p["chief"]:
            choices = [f"commander of the {unit}", f"Chief of Staff of the {unit}", f"head of the {unit}"]
            if p["service"] == "joint":
                choices = [f"Chief of the General Staff of the {unit}", f"Chief of Defence of {the(c)}"]
            return rng.choice(choices)
        if p["rank_level"] <= 2:
            return rng.choice([f"deputy commander of the {unit}", f"deputy commander of the {unit}", f"head of the {unit}'s {rng.choice(SUBUNITS)}",
                               f"commander of the {unit}'s {rng.choice(['Northern', 'Southern', 'Western', 'Eastern', 'Central'])} Command"])
        return rng.choice([f"head of the {unit}'s {rng.choice(SUBUNITS)}", f"an officer of the {unit}'s {rng.choice(SUBUNITS)}",
                           f"commander of No. {rng.choice(c['squadrons'])} Squadron" if p["service"] == "air"
                           else f"director of the {unit}'s {rng.choice(SUBUNITS)}"])

    # Paragraphs -----------------------------------------------------------------------------
    def build(self):
        rng = self.rng
        w = self.w
        guest_c, host_c = rng.sample(w.countries, 2)
        self.guest_c, self.host_c = guest_c, host_c
        service = rng.choices(["air", "navy", "army", "joint"], weights=[5, 3, 3, 1])[0]
        self.visitor = self.pick_person(guest_c, service, senior=True)
        self.host = self.pick_person(host_c, self.visitor["service"], senior=True)
        used = {self.visitor["id"], self.host["id"]}
        self.delegation = []
        for _ in range(rng.randint(1, 3)):
            d = self.pick_person(guest_c, exclude=used)
            used.add(d["id"])
            self.delegation.append(d)
        self.other_host = self.pick_person(host_c, exclude=used)
        used.add(self.other_host["id"])
        # Dates: the article date, the arrival a few days before.
        start = dt.date(2014, 1, 1)
        self.date = start + dt.timedelta(days=rng.randrange(0, 365 * 11))
        self.arrival = self.date - dt.timedelta(days=rng.randint(0, 5))
        self.days = rng.randint(2, 5)
        self.city = host_c["capital"] if rng.random() < 0.7 else rng.choice(host_c["cities"])
        bases = rng.sample(host_c["bases"], 3)
        academy = f"the {title_case_service(host_c, self.host['service'])} Academy"
        self.sites = [bases[0], bases[1], academy] if rng.random() < 0.6 else [bases[0], academy, bases[2]]
        self.squadron = rng.choice(host_c["squadrons"])
        self.agreement = rng.choice(["memorandum of understanding", "letter of intent", "roadmap",
                                     "defence cooperation agreement", "memorandum of understanding", "letter of intent"])
        self.topics = rng.sample(TOPICS, 5)

        header = self.header()
        core = [self.lead(), self.talks(), self.agreement_par(), self.delegation_par(), self.tour_par()]
        self._quote, self._reply = self.quote(), self.second_quote()
        optional = [self.background(), self._quote, self.history(), self.outlook(), self.exercise_par(),
                    self._reply, self.context_par()]
        rng.shuffle(optional)
        target = rng.randint(2100, 4900)
        paras = list(core)
        size = len((header + "\n\n".join(paras)).encode())
        for p in optional:
            extra = len(p.encode()) + 2
            if size >= target or size + extra > 4950:
                continue
            # Anywhere after the lead and the talks.
            paras.insert(rng.randint(2, len(paras)), p)
            size += extra
        # The host's reply follows the visitor's quote.
        if self._quote in paras and self._reply in paras and paras.index(self._reply) < paras.index(self._quote):
            i, j = paras.index(self._reply), paras.index(self._quote)
            paras[i], paras[j] = paras[j], paras[i]
        text = header + "\n\n".join(paras) + "\n"
        # Pad a too-short article with a generic paragraph (rare).
        while len(text.encode()) < 2000:
            text += "\n" + self.filler() + "\n"
        return text

    def header(self):
        rng = self.rng
        kind = rng.randrange(4)
        headline = self.headline()
        if kind == 0:
            return f" date {self.date.isoformat()} {headline}\n\n"
        if kind == 1:
            agency = rng.choice(AGENCIES)
            return (f"{self.city.upper()}, {fmt_date(self.date, rng.randrange(2))} ({agency}) – ")
        if kind == 2:
            return f"{headline}\n\n{self.city.upper()} – "
        return f"{headline}\n\nPublished {fmt_date(self.date, 1)}\n\n"

    def headline(self):
        rng = self.rng
        g, h = self.guest_c, self.host_c
        svc = {"air": "air force", "navy": "navy", "army": "army", "joint": "military"}[self.visitor["service"]]
        return rng.choice([
            f"{g['demonym']} {svc} chief visits {the(h)} as {g['capital']} and {h['capital']} deepen military ties",
            f"{the(g, start=True)}’s {svc} commander concludes visit to {the(h)}, signs {self.agreement}",
            f"{the(h, start=True)} and {the(g)} sign {self.agreement} on {self.topics[0]}",
            f"{g['demonym']} {svc} delegation tours {self.sites[0]}",
            f"{self.short(self.visitor)} in {h['capital']}: {g['demonym']}-{h['demonym']} defence talks focus on {self.topics[1]}",
        ])

    def lead(self):
        rng = self.rng
        v, h, hc = self.visitor, self.host, self.host_c
        wd = WEEKDAYS[self.arrival.weekday()]
        days = NUMBERS[self.days]
        variant = rng.randrange(3)
        if variant == 0:
            return (f"{self.full(v)}, {self.role(v)}, arrived in {self.city} on {wd} for a {days}-day official visit "
                    f"at the invitation of his {hc['demonym']} counterpart, {self.full(h)}, {self.role(h)}.")
        if variant == 1:
            return (f"The {self.role(v)}, {self.full(v)}, on {wd} landed in {the(hc)} for his first official visit "
                    f"to the country, where he will meet with the {self.role(h)}, {self.full(h)}, and will tour "
                    f"several military installations with the aim of strengthening cooperation between the two armed forces.")
        return (f"{self.full(v)}, {self.role(v)}, began a {days}-day visit to {the(hc)} on {wd}, "
                f"{fmt_date(self.arrival, rng.randrange(2))}, the first by a {self.guest_c['demonym']} "
                f"{SERVICES[v['service']][0].lower()} chief in several years, the {self.unit(h)} said in a statement.")

    def talks(self):
        rng = self.rng
        v, h = self.visitor, self.host
        place = rng.choice([f"the {self.unit(h)} headquarters in {self.city}", f"the Ministry of Defence in {self.city}",
                            f"the {self.unit(h)} headquarters"])
        t = self.topics
        first = (f"{self.full(v)} was received with military honours at {place}, where the two commanders held talks "
                 f"on {t[0]}, {t[1]} and {t[2]}.")
        o = self.other_host
        kind = rng.randrange(3)
        if kind == 0:
            second = (f" He later called on {self.full(o)}, {self.role(o)}, who described {the(self.guest_c)} "
                      f"as “a reliable partner in a turbulent region”.")
        elif kind == 1:
            second = (f" {self.short(v)} also held talks with {self.full(o)}, {self.role(o)}, on ways of "
                      f"developing military cooperation and exchanging expertise.")
        else:
            second = f" The talks were also attended by {self.full(o)} of the {self.unit(o)}."
        return first + second

    def agreement_par(self):
        rng = self.rng
        v, h = self.visitor, self.host
        a = self.agreement
        when = rng.choice([f"on {fmt_date(self.arrival, rng.randrange(2))}", "at the end of the first day",
                           f"on {WEEKDAYS[(self.arrival.weekday() + 1) % 7]}"])
        if a == "letter of intent":
            art = "a letter of intent (LoI)" if rng.random() < 0.5 else "a letter of intent"
        elif a == "memorandum of understanding":
            art = "a memorandum of understanding (MoU)" if rng.random() < 0.5 else "a memorandum of understanding"
        elif a == "roadmap":
            art = f"a roadmap for {self.topics[0]} cooperation to {self.date.year + rng.randint(3, 8)}"
        else:
            art = "a defence cooperation agreement"
        parties = rng.choice([f"between the {self.unit(v)} and the {self.unit(h)}",
                              f"between {the(self.guest_c)} and {the(self.host_c)}",
                              "between the two air forces" if v["service"] == "air" else "between the two militaries"])
        return (f"{when[0].upper() + when[1:]} {self.short(v)} and {self.short(h)} signed {art} {parties} in {self.city}, "
                f"which sets out a framework for {self.topics[0]}, {self.topics[3]} and closer cooperation between their "
                f"training schools. According to the {self.unit(h)}, the document will be turned into a detailed "
                f"programme of activities before the end of the year.")

    def delegation_par(self):
        members = []
        for d in self.delegation:
            members.append(f"{self.full(d)}, {self.role(d)}")
        return (f"The {self.guest_c['demonym']} delegation included {join_list(members)}, and officers from the "
                f"{self.unit(self.visitor)}’s operations staff.")

    def tour_par(self):
        rng = self.rng
        v = self.visitor
        wd = WEEKDAYS[(self.arrival.weekday() + 1) % 7]
        s = self.sites
        if rng.random() < 0.5:
            return (f"During the visit {self.short(v)} toured {join_list(s)}. On {wd} the visitors flew to {s[0]}, "
                    f"home of No. {self.squadron} Squadron, where they were briefed on the {self.host_c['demonym']} "
                    f"{rng.choice(AIRCRAFT)} fleet and met instructors and cadets.")
        return (f"On {wd} the visitors flew to {s[0]}, home of the {self.unit(self.host)}’s No. {self.squadron} Squadron. "
                f"The programme concludes at {s[1]}, followed by a stop at {s[2]}, where {self.short(v)} is due to "
                f"address cadets.")

    def background(self):
        rng = self.rng
        g, h = self.guest_c, self.host_c
        year = self.date.year - rng.randint(2, 8)
        return (f"Officials in {h['capital']} have stressed that the relationship with {the(g)} has grown steadily "
                f"since the two countries signed a framework agreement in {year}. Since then the two militaries have "
                f"trained together regularly, most visibly in the {rng.choice(EXERCISES)} exercise series, and "
                f"{g['demonym']} crews have taken part in {rng.choice(EXERCISES)} for several years.")

    def quote(self):
        rng = self.rng
        v = self.visitor
        return (f"“Our two {'air forces fly the same aircraft' if v['service'] == 'air' else 'forces train to the same standards'}, "
                f"face the same challenges and share the same goals,” {self.short(v)} said after the talks, adding that "
                f"the {self.agreement} would give “structure and continuity” to what had until now been a series of ad hoc contacts.")

    def second_quote(self):
        h = self.host
        return (f"{self.short(h)}, for his part, said the {self.agreement} would “open a new page” in relations "
                f"between the two {'air forces' if h['service'] == 'air' else 'armed forces'}, and praised the "
                f"professionalism of the {self.guest_c['demonym']} delegation.")

    def history(self):
        rng = self.rng
        h = self.host
        past = self.date - dt.timedelta(days=rng.randint(200, 900))
        return (f"{self.short(h)} himself visited {the(self.guest_c)} in {MONTHS[past.month - 1]} {past.year}, "
                f"when he toured {rng.choice(self.guest_c['bases'])} and observed {self.guest_c['demonym']} units "
                f"in a live-fire exercise. A year after that, the two ministries held the first meeting of a joint "
                f"steering committee in {self.guest_c['capital']}.")

    def outlook(self):
        rng = self.rng
        return (f"Diplomatic sources told {rng.choice(OUTLETS)} that the two sides are also discussing a trilateral "
                f"exercise with {the(rng.choice(self.w.countries))} later this year, and that the "
                f"{self.unit(self.host)} has invited the {self.guest_c['demonym']} side to return for the first annual "
                f"review of the {self.agreement}, planned in {the(self.host_c)} in {self.date.year + 1}.")

    def exercise_par(self):
        rng = self.rng
        return (f"{the(self.host_c, start=True)} and {the(self.guest_c)} have flown together since the first "
                f"{rng.choice(EXERCISES)} exercise in {self.date.year - rng.randint(5, 15)}, and the relationship "
                f"acquired an industrial dimension with the intergovernmental agreement signed in "
                f"{MONTHS[rng.randrange(12)]} {self.date.year - rng.randint(1, 6)} for {rng.randint(6, 48)} "
                f"{rng.choice(AIRCRAFT)} aircraft. Officials on both sides describe the armed forces as the most visible "
                f"pillar of a strategic partnership that both governments want to extend.")

    def context_par(self):
        rng = self.rng
        return (f"According to {rng.choice(OUTLETS)}, the {self.guest_c['demonym']} Armed Forces have in recent years "
                f"widened training contacts with partners including those of {the(rng.choice(self.w.countries))} "
                f"and {the(rng.choice(self.w.countries))}, while the {self.host_c['demonym']} Ministry of Defence has "
                f"concluded similar arrangements in the region. Analysts say the trend reflects {rng.choice(TOPICS)} "
                f"concerns shared across {rng.choice(['the Mediterranean', 'the Gulf', 'the Indo-Pacific', 'the Sahel', 'Europe', 'the Black Sea region'])}.")

    def filler(self):
        return (f"The {self.host_c['demonym']} Ministry of Defence said the visit reflected the strength of relations "
                f"between the two countries and their shared commitment to regional stability, and that further "
                f"contacts between the {self.unit(self.visitor)} and the {self.unit(self.host)} are planned.")


def generate(n, out, seed, people=None, quiet=False):
    people = people if people is not None else max(400, n // 8)
    world = World(seed, people)
    os.makedirs(out, exist_ok=True)
    total = 0
    for i in range(n):
        text = Article(world, i, seed).build()
        name = f"{i:06d}_{stable_hash(seed, i)[:16]}.txt"
        data = text.encode("utf-8")
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        total += len(data)
        if not quiet and n >= 10000 and (i + 1) % 10000 == 0:
            print(f"  {i + 1}/{n} articles", file=sys.stderr)
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, required=True, help="number of articles")
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--people", type=int, default=None, help="size of the recurring people pool (default max(400, N/8))")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    total = generate(args.articles, args.out, args.seed, args.people, args.quiet)
    if not args.quiet:
        print(f"wrote {args.articles} articles ({total} bytes) to {args.out}")


if __name__ == "__main__":
    main()
