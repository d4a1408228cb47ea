#!/usr/bin/env python3
"""Synthetic ingest corpus for Vigil benchmarks.

Writes N documents (under OUT/docs/, the directory to ingest) of neutral,
report-style text about conflict events in Syria and Iraq in 2019, in
English and Arabic (about 55% Arabic), assembled from templates:

* short channel posts ("claims", 20-60 words)            ~70%
* wire stories (150-600 words)                            ~25%
* long NGO reports (1,500-4,000 words)                    ~5%

About 4% of the documents are exact duplicates (same text, another source,
later date) and about 4% near-duplicates (one word changed, or a hashtag
appended) of earlier documents. The corpus is spread over the formats Vigil
reads (see docs/formats.md):

  docs/jsonl/collector-2019-MM-pNN.jsonl   Vigil JSON Lines, <= 10,000 lines a file
  docs/telegram/<channel>/result.json      Telegram Desktop channel exports
  docs/rss/<source>-2019-MM.rss            RSS 2.0 monthly archives
  docs/html/<source>/2019/MM/<uid>.html    web pages (a few hundred at 100k docs)

Next to docs/, where Vigil does not read them: OUT/corpus.json (the counts
this prints) and OUT/manifest.tsv (one line per document: uid, role,
original, format, file, source, ...), which check_dedup.py uses to explain
how Vigil classified each copy.

Every document's URL ends with its uid (Telegram: message id = uid * 10),
so a stored document can be traced back to the manifest.

Reproducible: the same --seed and --docs give byte-identical output.
Python 3.11, standard library only.

    python3 benchmarks/gen_corpus.py --docs 100000 --out benchmarks/out/corpus-100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.utils
import html
import json
import os
import random
import re
import shutil
import sys
from collections import Counter, defaultdict

sys.dont_write_bytecode = True  # keep benchmarks/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vigil_dedup  # noqa: E402

YEAR = 2019
UTC = dt.timezone.utc
LOCAL = dt.timezone(dt.timedelta(hours=3))  # Syria/Iraq wall clock in exports

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

# (english, arabic, governorate key)
PLACES_SY = [
    ("Raqqa", "الرقة", "raqqa"), ("Tabqa", "الطبقة", "raqqa"), ("Ain Issa", "عين عيسى", "raqqa"),
    ("Tal Abyad", "تل أبيض", "raqqa"), ("Hasakah", "الحسكة", "hasakah"), ("Qamishli", "القامشلي", "hasakah"),
    ("Tal Tamr", "تل تمر", "hasakah"), ("Shaddadi", "الشدادي", "hasakah"), ("al-Hol", "الهول", "hasakah"),
    ("Markada", "مركدة", "hasakah"), ("Ras al-Ain", "رأس العين", "hasakah"),
    ("Deir ez-Zor", "دير الزور", "deir"), ("al-Shuhayl", "الشحيل", "deir"), ("Hajin", "هجين", "deir"),
    ("al-Busayrah", "البصيرة", "deir"), ("Dhiban", "ذيبان", "deir"), ("al-Susah", "السوسة", "deir"),
    ("al-Baghuz", "الباغوز", "deir"), ("Gharanij", "غرانيج", "deir"), ("Abu Hamam", "أبو حمام", "deir"),
    ("al-Kishkiyah", "الكشكية", "deir"), ("Mayadin", "الميادين", "deir"), ("Albu Kamal", "البوكمال", "deir"),
    ("Manbij", "منبج", "aleppo"), ("Kobani", "عين العرب", "aleppo"), ("Sukhnah", "السخنة", "homs"),
    ("Palmyra", "تدمر", "homs"),
]
PLACES_IQ = [
    ("Mosul", "الموصل", "nineveh"), ("Sinjar", "سنجار", "nineveh"), ("Baaj", "البعاج", "nineveh"),
    ("Qayyarah", "القيارة", "nineveh"), ("Tal Afar", "تلعفر", "nineveh"), ("Kirkuk", "كركوك", "kirkuk"),
    ("Hawija", "الحويجة", "kirkuk"), ("Daquq", "داقوق", "kirkuk"), ("Tikrit", "تكريت", "salahuddin"),
    ("Samarra", "سامراء", "salahuddin"), ("Baiji", "بيجي", "salahuddin"), ("Tuz Khurmatu", "طوزخورماتو", "salahuddin"),
    ("Tarmiyah", "الطارمية", "baghdad"), ("Baghdad", "بغداد", "baghdad"), ("Abu Ghraib", "أبو غريب", "baghdad"),
    ("Khanaqin", "خانقين", "diyala"), ("Muqdadiyah", "المقدادية", "diyala"), ("Baqubah", "بعقوبة", "diyala"),
    ("al-Qaim", "القائم", "anbar"), ("Rawa", "راوة", "anbar"), ("Rutba", "الرطبة", "anbar"),
    ("Fallujah", "الفلوجة", "anbar"), ("Ramadi", "الرمادي", "anbar"),
]
GOVS = {
    "raqqa": ("Raqqa", "الرقة", "sy"), "hasakah": ("Hasakah", "الحسكة", "sy"),
    "deir": ("Deir ez-Zor", "دير الزور", "sy"), "aleppo": ("Aleppo", "حلب", "sy"),
    "homs": ("Homs", "حمص", "sy"), "nineveh": ("Nineveh", "نينوى", "iq"), "kirkuk": ("Kirkuk", "كركوك", "iq"),
    "salahuddin": ("Salahuddin", "صلاح الدين", "iq"), "baghdad": ("Baghdad", "بغداد", "iq"),
    "diyala": ("Diyala", "ديالى", "iq"), "anbar": ("Anbar", "الأنبار", "iq"),
}
DIRECTIONS = [("eastern", "الشرقي"), ("western", "الغربي"), ("northern", "الشمالي"), ("southern", "الجنوبي")]
VILLAGE_PREFIX = [("Tal", "تل"), ("Khirbet", "خربة"), ("Abu", "أبو"), ("Umm", "أم"), ("Ain", "عين"), ("Jurn", "جرن"), ("Hamrat", "حمرة"), ("Kafr", "كفر")]
VILLAGE_ROOT = [
    ("Hamad", "حمد"), ("Khalaf", "خلف"), ("Saleh", "صالح"), ("Hassan", "حسن"), ("Shaeer", "شعير"), ("Khodr", "خضر"),
    ("Nasser", "ناصر"), ("Jasim", "جاسم"), ("Rumman", "رمان"), ("Zahra", "زهرة"), ("Tamr", "تمر"), ("Ward", "ورد"),
    ("Bakr", "بكر"), ("Ghazal", "غزال"), ("Dhahab", "ذهب"), ("Ruz", "رز"), ("Fuhayd", "فهيد"), ("Jamil", "جميل"),
    ("Kabir", "كبير"), ("Shams", "شمس"), ("Hajar", "حجر"), ("Sabkha", "سبخة"), ("Jabr", "جبر"), ("Mashi", "ماشي"),
    ("Khatun", "خاتون"), ("Qasab", "قصب"), ("Hurriyah", "حرية"), ("Naim", "نعيم"), ("Mansur", "منصور"), ("Sawwan", "صوان"),
]
VILLAGES = [(f"{pe} {re_}", f"{pa} {ra}") for pe, pa in VILLAGE_PREFIX for re_, ra in VILLAGE_ROOT]

GIVEN = [
    ("Ahmad", "أحمد"), ("Mohammed", "محمد"), ("Khalil", "خليل"), ("Hassan", "حسن"), ("Omar", "عمر"), ("Yusuf", "يوسف"),
    ("Ibrahim", "إبراهيم"), ("Mahmoud", "محمود"), ("Salim", "سليم"), ("Faisal", "فيصل"), ("Abdulrahman", "عبد الرحمن"),
    ("Hamid", "حامد"), ("Jamal", "جمال"), ("Nasser", "ناصر"), ("Adel", "عادل"), ("Karim", "كريم"), ("Walid", "وليد"),
    ("Sami", "سامي"), ("Ziad", "زياد"), ("Mustafa", "مصطفى"), ("Ali", "علي"), ("Hussein", "حسين"), ("Kamal", "كمال"),
    ("Fadi", "فادي"), ("Bashir", "بشير"), ("Layla", "ليلى"), ("Amina", "أمينة"), ("Huda", "هدى"), ("Nour", "نور"),
]
FAMILY = [
    ("al-Hussein", "الحسين"), ("al-Ahmad", "الأحمد"), ("al-Jasim", "الجاسم"), ("al-Khalaf", "الخلف"),
    ("al-Abdullah", "العبد الله"), ("al-Hamad", "الحمد"), ("al-Obeid", "العبيد"), ("al-Saleh", "الصالح"),
    ("al-Ali", "العلي"), ("al-Hassan", "الحسن"), ("al-Shammari", "الشمري"), ("al-Jubouri", "الجبوري"),
    ("al-Dulaimi", "الدليمي"), ("al-Obaidi", "العبيدي"), ("al-Bakkar", "البكار"), ("al-Mashhadani", "المشهداني"),
    ("al-Zubaidi", "الزبيدي"), ("al-Fayyad", "الفياض"), ("al-Rawi", "الراوي"), ("al-Issa", "العيسى"),
]
ROLES = [
    ("a local council member", "عضو في المجلس المحلي"), ("a tribal elder", "أحد وجهاء العشائر"),
    ("a teacher", "مدرّس"), ("a former SDF member", "عنصر سابق في قسد"), ("the village mukhtar", "مختار القرية"),
    ("an oil trader", "تاجر نفط"), ("a pharmacist", "صيدلاني"), ("a police officer", "ضابط في الشرطة"),
    ("a shepherd", "راعي أغنام"), ("a truck driver", "سائق شاحنة"), ("a municipal engineer", "مهندس في البلدية"),
]

# Actors: key -> (english forms, arabic forms, countries)
ACTORS = {
    "is": (["Islamic State", "Islamic State militants", "IS fighters"], ["تنظيم الدولة الإسلامية", "تنظيم الدولة", "عناصر تنظيم الدولة"], "sy iq"),
    "sdf": (["the Syrian Democratic Forces (SDF)", "the SDF", "SDF units"], ["قوات سوريا الديمقراطية", "قسد", "وحدات من قسد"], "sy"),
    "asayish": (["the Asayish internal security forces", "Asayish patrols"], ["قوى الأمن الداخلي (الأسايش)", "دوريات الأسايش"], "sy"),
    "turkey": (["Turkish forces", "the Turkish army"], ["القوات التركية", "الجيش التركي"], "sy iq"),
    "sna": (["Turkish-backed Syrian National Army factions", "SNA factions"], ["فصائل الجيش الوطني السوري", "فصائل موالية لتركيا"], "sy"),
    "gov": (["Syrian government forces", "pro-government militias"], ["قوات الحكومة السورية", "الميليشيات الموالية للحكومة"], "sy"),
    "iqa": (["the Iraqi army", "Iraqi troops"], ["الجيش العراقي", "القوات العراقية"], "iq"),
    "isf": (["Iraqi federal police", "Iraqi security forces"], ["الشرطة الاتحادية", "القوات الأمنية العراقية"], "iq"),
    "pmf": (["the Popular Mobilization Forces (PMF)", "PMF brigades"], ["الحشد الشعبي", "ألوية الحشد الشعبي"], "iq"),
    "pesh": (["Peshmerga forces"], ["قوات البيشمركة"], "iq"),
    "coal": (["the US-led coalition", "coalition aircraft"], ["التحالف الدولي", "طيران التحالف الدولي"], "sy iq"),
    "gunmen": (["unidentified gunmen"], ["مسلحون مجهولون"], "sy iq"),
}
PERPETRATORS = ["is", "is", "is", "is", "turkey", "sna", "gov", "gunmen", "coal"]
SECURITY = {"sy": ["sdf", "asayish", "sdf"], "iq": ["iqa", "isf", "pmf", "pesh"]}

# Targets: (english, arabic, killed noun en (sing, plur), killed noun ar (sing, dual, plur))
TARGETS = {
    "sdf": [("an SDF patrol", "دورية لقسد"), ("an SDF checkpoint", "حاجزاً لقسد"), ("a vehicle carrying SDF members", "سيارة تقل عناصر من قسد")],
    "asayish": [("an Asayish post", "نقطة للأسايش"), ("an Asayish car", "سيارة للأسايش")],
    "iqa": [("an Iraqi army checkpoint", "حاجزاً للجيش العراقي"), ("an army convoy", "رتلاً للجيش العراقي")],
    "isf": [("a federal police position", "موقعاً للشرطة الاتحادية"), ("a police patrol", "دورية للشرطة")],
    "pmf": [("a PMF position", "موقعاً للحشد الشعبي"), ("a PMF supply truck", "شاحنة إمداد للحشد")],
    "pesh": [("a Peshmerga outpost", "نقطة للبيشمركة")],
}
CIVIL_TARGETS = [
    ("a civilian minibus", "حافلة مدنية"), ("the house of a local council member", "منزل عضو في المجلس المحلي"),
    ("a crowded market", "سوقاً شعبية"), ("an oil tanker", "صهريج نفط"), ("a group of shepherds", "مجموعة من الرعاة"),
    ("a water station", "محطة مياه"), ("a bakery", "فرناً للخبز"), ("a mosque", "مسجداً"), ("a farm", "مزرعة"),
]
FIGHTER_NOUN = (("fighter", "fighters"), ("عنصر", "عنصرين", "عناصر"))
SOLDIER_NOUN = (("soldier", "soldiers"), ("جندي", "جنديين", "جنود"))
CIVIL_NOUN = (("civilian", "civilians"), ("مدني", "مدنيين", "مدنيين"))
PERSON_NOUN = (("person", "people"), ("شخص", "شخصين", "أشخاص"))

# Attacks: key -> (english noun phrase, arabic noun phrase, short english, short arabic)
ATTACKS = {
    "ied": ("an IED attack", "هجوم بعبوة ناسفة", "IED blast", "انفجار عبوة ناسفة"),
    "ambush": ("an ambush", "كمين", "ambush", "كمين"),
    "armed": ("an armed attack", "هجوم مسلح", "gun attack", "هجوم مسلح"),
    "vbied": ("a car bomb", "تفجير سيارة مفخخة", "car bomb", "سيارة مفخخة"),
    "shelling": ("artillery shelling", "قصف مدفعي", "shelling", "قصف مدفعي"),
    "air": ("an airstrike", "غارة جوية", "airstrike", "غارة جوية"),
    "drone": ("a drone strike", "ضربة بطائرة مسيرة", "drone strike", "ضربة مسيرة"),
    "mortar": ("mortar fire", "قصف بقذائف الهاون", "mortar attack", "قذائف هاون"),
    "sniper": ("sniper fire", "نيران قناص", "sniper attack", "رصاص قناص"),
    "suicide": ("a suicide bombing", "تفجير انتحاري", "suicide bombing", "تفجير انتحاري"),
    "rocket": ("a rocket attack", "هجوم صاروخي", "rocket attack", "قصف صاروخي"),
}
ATTACKS_BY_ACTOR = {
    "is": ["ied", "ied", "ambush", "armed", "vbied", "sniper", "suicide", "mortar"],
    "turkey": ["shelling", "drone", "air"], "sna": ["shelling", "armed", "mortar"],
    "gov": ["shelling", "rocket", "sniper"], "gunmen": ["armed", "armed", "ied"], "coal": ["air", "drone"],
}
FIELDS = [("wheat fields", "حقول القمح"), ("barley fields", "حقول الشعير"), ("farmland", "أراضٍ زراعية")]
HOSPITALS = [("the national hospital in {p}", "المشفى الوطني في {p}"), ("a field hospital in {p}", "مشفى ميداني في {p}"), ("a clinic in {p}", "مستوصف في {p}")]
CAMPS = [("al-Hol", "الهول"), ("Roj", "روج"), ("Areesha", "العريشة"), ("Mabrouka", "المبروكة"), ("Jadaa", "الجدعة"), ("Hammam al-Alil", "حمام العليل")]

MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
MONTHS_AR = ["كانون الثاني/يناير", "شباط/فبراير", "آذار/مارس", "نيسان/أبريل", "أيار/مايو", "حزيران/يونيو",
             "تموز/يوليو", "آب/أغسطس", "أيلول/سبتمبر", "تشرين الأول/أكتوبر", "تشرين الثاني/نوفمبر", "كانون الأول/ديسمبر"]
DAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DAYS_AR = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
# Relative weight of each month (2019: al-Baghuz in Feb-Mar, Turkish offensive in Oct).
MONTH_WEIGHT = [1.0, 1.2, 1.5, 1.0, 0.9, 0.9, 0.8, 0.8, 0.9, 1.4, 1.0, 0.8]

NUM_EN = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
NUM_AR = ["صفر", "واحد", "اثنان", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة", "عشرة"]
EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

HASHTAGS_EN = ["#Syria", "#Iraq", "#DeirEzZor", "#Raqqa", "#Hasakah", "#Mosul", "#Kirkuk", "#breaking", "#ISIS", "#SDF", "#Anbar", "#Diyala"]
HASHTAGS_AR = ["#عاجل", "#دير_الزور", "#الرقة", "#الحسكة", "#الموصل", "#كركوك", "#سوريا", "#العراق", "#تنظيم_الدولة", "#قسد", "#الأنبار", "#ديالى", "#ريف_دير_الزور"]

# Word swaps for near-duplicates ("a word changed").
SWAP_EN = {"killed": "slain", "wounded": "injured", "attack": "assault", "near": "outside", "area": "district",
           "said": "stated", "reported": "confirmed", "village": "hamlet", "sources": "residents", "road": "highway",
           "hours": "hour", "several": "many", "area.": "district.", "fighters": "members", "struck": "hit"}
SWAP_AR = {"مقتل": "مصرع", "إصابة": "جرح", "قرب": "بالقرب", "هجوم": "اعتداء", "مصادر": "أوساط", "قرية": "بلدة",
           "أفاد": "أكد", "قالت": "ذكرت", "المنطقة": "الناحية", "عناصر": "مقاتلين", "الطريق": "الشارع"}

# ---------------------------------------------------------------------------
# Sources (all fictional)
# ---------------------------------------------------------------------------

# name, slug, kind, languages, formats, document types
SOURCES = [
    # Telegram channels
    ("Euphrates Eye", "euphrates-eye", "local_monitor", "ar", "telegram", "claim wire"),
    ("Khabur Now", "khabur-now", "local_monitor", "ar", "telegram", "claim wire"),
    ("Deir ez-Zor Watch", "dz-watch", "local_monitor", "en", "telegram", "claim wire"),
    ("Nineveh Pulse", "nineveh-pulse", "news_media", "ar", "telegram", "claim wire"),
    ("al-Bayan Relay", "bayan-relay", "militant_supporter", "ar", "telegram", "claim"),
    ("Two Rivers Alerts", "two-rivers-alerts", "news_media", "en", "telegram", "claim wire"),
    ("Hawija Monitor", "hawija-monitor", "local_monitor", "ar en", "telegram", "claim wire"),
    # RSS feeds
    ("Levant Wire Service", "levant-wire", "news_media", "en", "rss jsonl", "claim wire"),
    ("وكالة الفرات للأنباء", "furat-news", "news_media", "ar", "rss jsonl", "claim wire"),
    ("Meridian News Agency", "meridian-news", "news_media", "en", "rss", "claim wire"),
    ("صحيفة دجلة اليوم", "dijla-today", "news_media", "ar", "rss", "claim wire"),
    # Web sites
    ("Civilian Harm Observatory", "cho", "ngo_research", "en", "html jsonl", "wire report"),
    ("المرصد الميداني لحقوق الإنسان", "field-observatory", "ngo_research", "ar", "html jsonl", "wire report"),
    ("North-East Monitoring Centre", "nemc", "local_monitor", "en ar", "html jsonl", "claim wire report"),
    # Collected through a JSONL pipeline
    ("Meridian Risk Briefs", "meridian-briefs", "ngo_research", "en", "jsonl", "wire report"),
    ("Conflict Incident Tracker", "cit", "ngo_research", "en ar", "jsonl", "claim wire report"),
    ("شبكة أخبار البادية", "badia-news", "news_media", "ar", "jsonl", "claim wire"),
    ("Iraq Security Digest", "isd", "news_media", "en", "jsonl", "claim wire"),
    ("مركز الرافدين للدراسات", "rafidain-centre", "ngo_research", "ar", "jsonl", "wire report"),
    ("Provincial Security Media Office", "psmo", "government", "ar en", "jsonl", "claim wire"),
    ("Euphrates Humanitarian Forum", "ehf", "ngo_research", "en", "jsonl", "wire report"),
    ("راصد الشرقية", "rasid-sharqiya", "local_monitor", "ar", "jsonl", "claim wire"),
    ("Syria Field Notes", "sfn", "local_monitor", "en", "jsonl", "claim wire"),
    ("Tigris Press", "tigris-press", "news_media", "en", "jsonl", "claim wire"),
    ("منصة نينوى الآن", "nineveh-now", "news_media", "ar", "jsonl", "claim wire"),
]

TYPE_WEIGHTS = {"claim": 0.70, "wire": 0.25, "report": 0.05}
AR_SHARE = 0.55
# P(format | type); HTML is sized separately (a few hundred pages at 100k).
FORMAT_GIVEN_TYPE = {
    "claim": {"telegram": 0.165, "rss": 0.012},
    "wire": {"telegram": 0.024, "rss": 0.13, "html": 0.0072},
    "report": {"html": 0.024},
}
DUP_SHARE = 0.04
NEAR_SHARE = 0.04
JSONL_MAX_LINES = 10_000


# ---------------------------------------------------------------------------
# Text assembly
# ---------------------------------------------------------------------------

class Event:
    """One incident: who, what, where, when, how many."""

    def __init__(self, rng: random.Random, when: dt.datetime, country: str | None = None):
        self.rng = rng
        self.country = country or ("sy" if rng.random() < 0.6 else "iq")
        places = PLACES_SY if self.country == "sy" else PLACES_IQ
        self.place = rng.choice(places)
        self.place2 = rng.choice(places)
        self.gov = GOVS[self.place[2]]
        self.village = rng.choice(VILLAGES)
        self.direction = rng.choice(DIRECTIONS)
        perps = [a for a in PERPETRATORS if self.country in ACTORS[a][2]]
        self.actor = rng.choice(perps)
        self.security = rng.choice(SECURITY[self.country])
        self.attack = rng.choice(ATTACKS_BY_ACTOR[self.actor])
        if self.actor == "is" or rng.random() < 0.3:
            self.target = rng.choice(TARGETS[self.security])
            self.victims = FIGHTER_NOUN if self.security in ("sdf", "asayish", "pmf", "pesh") else SOLDIER_NOUN
        else:
            self.target = rng.choice(CIVIL_TARGETS)
            self.victims = CIVIL_NOUN
        self.killed = rng.choice([0, 1, 1, 2, 2, 3, 4, 5, 6, 7, 9, 12, 15, 23])
        self.wounded = rng.choice([1, 2, 3, 3, 4, 5, 6, 8, 10, 11, 14, 19, 27])
        self.detained = rng.randint(2, 40)
        self.when = when
        self.person = (rng.choice(GIVEN), rng.choice(FAMILY))
        self.role = rng.choice(ROLES)
        self.hour = rng.randint(0, 23)
        self.minute = rng.choice([0, 10, 15, 20, 30, 40, 45, 50])


class Writer:
    """Fills templates for one document in one language, with that
    document's habits (how it writes numbers)."""

    FIELD = re.compile(r"\{(\w+)\}")

    def __init__(self, rng: random.Random, lang: str):
        self.rng = rng
        self.lang = lang
        r = rng.random()
        self.numstyle = ("digits" if r < 0.5 else "eastern" if r < 0.8 else "words") if lang == "ar" else ("digits" if r < 0.6 else "words")

    # numbers ---------------------------------------------------------------
    def num(self, n: int) -> str:
        if self.lang == "en":
            if self.numstyle == "words" and n <= 12:
                return NUM_EN[n]
            return str(n)
        if self.numstyle == "words" and 3 <= n <= 10:
            return NUM_AR[n]
        if self.numstyle == "eastern":
            return str(n).translate(EASTERN)
        return str(n)

    def count(self, n: int, noun) -> str:
        en, ar = noun
        if self.lang == "en":
            if n == 1:
                return f"one {en[0]}"
            return f"{self.num(n)} {en[1]}"
        if n == 1:
            return f"{ar[0]} واحد"
        if n == 2:
            return ar[1]
        return f"{self.num(n)} {ar[2]}"

    def date(self, d: dt.datetime) -> str:
        if self.lang == "en":
            return self.rng.choice([f"on {d.day} {MONTHS_EN[d.month - 1]}", f"on {MONTHS_EN[d.month - 1]} {d.day}", f"on {DAYS_EN[d.weekday()]}"])
        day = str(d.day).translate(EASTERN) if self.numstyle == "eastern" else str(d.day)
        return self.rng.choice([f"في {day} {MONTHS_AR[d.month - 1]}", f"يوم {DAYS_AR[d.weekday()]}", f"يوم {DAYS_AR[d.weekday()]} {day} {MONTHS_AR[d.month - 1]}"])

    def timeofday(self, d: dt.datetime) -> str:
        wd = DAYS_EN[d.weekday()] if self.lang == "en" else DAYS_AR[d.weekday()]
        if self.lang == "en":
            return self.rng.choice([f"early on {wd}", f"on {wd} evening", "at dawn", "around midnight", f"late on {wd}", "in the early hours"])
        return self.rng.choice([f"فجر {wd}", f"مساء {wd}", "فجر اليوم", "منتصف الليل", f"ليلة {wd}", "في ساعات الصباح الأولى"])

    # fields ----------------------------------------------------------------
    def field(self, key: str, ev: Event) -> str:
        rng, en = self.rng, self.lang == "en"
        i = 0 if en else 1
        if key == "actor":
            return rng.choice(ACTORS[ev.actor][i])
        if key == "actor2":
            return rng.choice(ACTORS[ev.security][i])
        if key == "coalition":
            return rng.choice(ACTORS["coal"][i])
        if key == "attack":
            return ATTACKS[ev.attack][i]
        if key == "attack_short":
            return ATTACKS[ev.attack][2 + i]
        if key == "target":
            return ev.target[i]
        if key == "place":
            return ev.place[i]
        if key == "place2":
            return ev.place2[i]
        if key == "village":
            return ev.village[i]
        if key == "gov":
            return ev.gov[i]
        if key == "near":
            p, v, g, d = ev.place[i], ev.village[i], ev.gov[i], ev.direction[i]
            if en:
                return rng.choice([f"near {p}", f"in {p}", f"in the village of {v} near {p}", f"in the {d} {g} countryside", f"on the road between {p} and {ev.place2[0]}", f"in {v}, {g} province"])
            return rng.choice([f"قرب {p}", f"في {p}", f"في قرية {v} قرب {p}", f"في ريف {g} {d}", f"على الطريق بين {p} و{ev.place2[1]}", f"في {v} بمحافظة {g}"])
        if key == "date":
            return self.date(ev.when)
        if key == "time":
            return self.timeofday(ev.when)
        if key == "killed":
            return self.count(max(ev.killed, 1), ev.victims)
        if key == "wounded":
            return self.count(ev.wounded, ev.victims if rng.random() < 0.7 else PERSON_NOUN)
        if key == "kn":
            return self.num(ev.killed)
        if key == "wn":
            return self.num(ev.wounded)
        if key == "dn":
            return self.num(ev.detained)
        if key == "n":
            return self.num(rng.randint(2, 60))
        if key == "big":
            return self.num(rng.randint(120, 9000))
        if key == "days":
            return self.num(rng.randint(2, 12))
        if key == "hour":
            return f"{ev.hour:02d}:{ev.minute:02d}" if en or self.numstyle != "eastern" else f"{ev.hour:02d}:{ev.minute:02d}".translate(EASTERN)
        if key == "person":
            g, f = ev.person
            return f"{g[i]} {f[i]}"
        if key == "person2":
            g, f = rng.choice(GIVEN), rng.choice(FAMILY)
            return f"{g[i]} {f[i]}"
        if key == "role":
            return ev.role[i]
        if key == "fields":
            return rng.choice(FIELDS)[i]
        if key == "hospital":
            return rng.choice(HOSPITALS)[i].format(p=ev.place2[i])
        if key == "camp":
            return rng.choice(CAMPS)[i]
        if key == "month":
            return MONTHS_EN[ev.when.month - 1] if en else MONTHS_AR[ev.when.month - 1]
        if key == "month2":
            return rng.choice(MONTHS_EN if en else MONTHS_AR)
        if key == "currency":
            return ("pounds" if ev.country == "sy" else "dinars") if en else ("ليرة" if ev.country == "sy" else "دينار")
        if key == "country":
            return ("Syria" if ev.country == "sy" else "Iraq") if en else ("سوريا" if ev.country == "sy" else "العراق")
        raise KeyError(key)

    def fill(self, template: str, ev: Event) -> str:
        def sub(m: re.Match) -> str:
            key = m.group(1)
            cap = key.endswith("_cap")
            v = self.field(key[:-4] if cap else key, ev)
            return v[:1].upper() + v[1:] if cap else v
        return self.FIELD.sub(sub, template)


CLAIM_LEAD = {
    "en": [
        "{actor_cap} claimed {attack} on {target} {near} {date}, saying {killed} were killed and {wounded} wounded.",
        "Local sources: {attack} targeted {target} {near} {time}; {killed} reported killed.",
        "{near_cap}: {killed} killed and {wounded} wounded in {attack} on {target} {date}.",
        "BREAKING | {attack_cap} hit {target} {near}. Initial toll: {kn} dead, {wn} injured.",
        "{actor_cap} carried out {attack} against {target} {near} {date}.",
        "Field sources say {attack} struck {target} {near} {time}, killing {killed}.",
        "Our correspondent reports {attack} on {target} {near} {date}; no word yet on casualties.",
        "{actor2_cap} say they detained {dn} people suspected of Islamic State links in a raid {near} {date}.",
        "A landmine left over from the war exploded {near} {date}, killing {killed} and wounding {wounded}.",
        "Fire broke out in {fields} {near} {date}; local sources blame {actor}.",
        "Clashes erupted between {actor} and {actor2} {near} {time} and lasted several hours.",
        "Unidentified gunmen shot dead {role}, {person}, {near} {date}.",
        "Shelling by {actor} hit {near} {date}; {wounded} reported wounded.",
        "{coalition_cap} struck a suspected Islamic State hideout {near} {date}, {kn} militants were reported killed.",
        "{person}, {role}, was abducted by gunmen {near} {time}, relatives said.",
    ],
    "ar": [
        "{actor} يتبنى {attack} استهدف {target} {near} {date}، ويقول إنه أسفر عن مقتل {killed} وإصابة {wounded}.",
        "مصادر محلية: {attack} يستهدف {target} {near} {time}، وأنباء عن مقتل {killed}.",
        "{near}: مقتل {killed} وإصابة {wounded} جراء {attack} استهدف {target} {date}.",
        "عاجل | {attack} يستهدف {target} {near}، والحصيلة الأولية {kn} قتلى و{wn} جرحى.",
        "{actor} ينفذ {attack} على {target} {near} {date}.",
        "قالت مصادر ميدانية إن {attack} استهدف {target} {near} {time}، ما أدى إلى مقتل {killed}.",
        "أفاد مراسلنا بأن {attack} استهدف {target} {near} {date}، دون ورود معلومات عن الخسائر حتى الآن.",
        "{actor2} تعلن اعتقال {dn} أشخاص يشتبه بانتمائهم إلى تنظيم الدولة خلال حملة دهم {near} {date}.",
        "انفجار لغم أرضي من مخلفات الحرب {near} {date} يودي بحياة {killed} ويصيب {wounded}.",
        "اندلاع حريق في {fields} {near} {date}، ومصادر محلية تتهم {actor} بافتعاله.",
        "اشتباكات بين {actor} و{actor2} {near} {time} استمرت لساعات.",
        "مسلحون مجهولون يغتالون {person}، وهو {role}، {near} {date}.",
        "قصف من جانب {actor} يطال {near} {date}، وأنباء عن إصابة {wounded}.",
        "{coalition} يستهدف موقعاً يعتقد أنه مخبأ لعناصر تنظيم الدولة {near} {date}، وأنباء عن مقتل {kn} من عناصره.",
        "اختطاف {person}، وهو {role}، على يد مسلحين {near} {time} بحسب ذويه.",
    ],
}
CLAIM_DETAIL = {
    "en": [
        "The wounded were taken to {hospital}.",
        "{actor2_cap} sealed off the area after the attack.",
        "It comes {days} days after a similar attack in {place2}.",
        "{actor2_cap} had not commented by the time of writing.",
        "Activists counted {n} similar attacks in the area over the past week.",
        "Witnesses said the blast was heard across {place2}.",
        "A resident of {village} said the road to {place2} was closed for hours.",
        "A drone was seen circling over the area afterwards.",
        "Activists said it happened at around {hour}.",
        "Islamic State cells remain active in the {gov} countryside, mostly at night.",
        "Local pages posted photos showing damage at the site.",
        "Local sources put the losses at about {n} million {currency}.",
        "{actor2_cap} continued search operations in {village} and nearby villages.",
        "A medical source in {place2} confirmed the toll.",
        "Residents of {village} said they had warned about the threat for weeks.",
        "There was no independent confirmation of the claim.",
        "{person2}, {role} from {village}, was among the wounded.",
        "Traffic on the {place}-{place2} road was halted until {hour}.",
        "{actor2_cap} said {n} suspects were questioned in {village} afterwards.",
        "Shops in {place2} closed early as news of the attack spread.",
        "The last similar incident in {village} was reported in {month2}.",
        "Photos shared by {person2} showed a burnt-out vehicle on the road to {place2}.",
        "Mourners gathered in {place2} for the funerals on the following day.",
        "{actor2_cap} reinforced checkpoints between {village} and {place2}.",
        "A local official put the number of displaced families at {n}.",
        "The victims were from {village} and {place2}, relatives said.",
    ],
    "ar": [
        "ونقل المصابون إلى {hospital}.",
        "وفرضت {actor2} طوقاً أمنياً حول المنطقة عقب الهجوم.",
        "ويأتي ذلك بعد {days} أيام من هجوم مماثل في {place2}.",
        "ولم تعلق {actor2} على الحادثة حتى ساعة إعداد هذا الخبر.",
        "ووثق ناشطون {n} هجمات مماثلة في المنطقة خلال الأسبوع الماضي.",
        "وذكر شهود عيان أن دوي الانفجار سمع في أرجاء {place2}.",
        "وقال أحد سكان {village} إن الطريق المؤدي إلى {place2} أغلق لساعات.",
        "وحلقت طائرة مسيرة فوق المنطقة عقب الهجوم.",
        "وأشار ناشطون إلى أن الحادثة وقعت قرابة الساعة {hour}.",
        "وتنشط خلايا تابعة لتنظيم الدولة في ريف {gov} خلال ساعات الليل.",
        "ونشرت صفحات محلية صوراً تظهر آثار الدمار في الموقع.",
        "وقدرت مصادر محلية الخسائر المادية بنحو {n} مليون {currency}.",
        "وتواصل {actor2} عمليات التمشيط في {village} والقرى المحيطة.",
        "وأكد مصدر طبي في {place2} حصيلة الضحايا.",
        "وقال سكان من {village} إنهم حذروا من هذا الخطر منذ أسابيع.",
        "ولم يتسن التحقق من صحة هذه الرواية من مصدر مستقل.",
        "وكان {person2}، وهو {role} من {village}، بين المصابين.",
        "وتوقفت حركة السير على طريق {place} - {place2} حتى الساعة {hour}.",
        "وقالت {actor2} إنها حققت مع {n} مشتبهاً بهم في {village} عقب الحادثة.",
        "وأغلقت المحال التجارية في {place2} أبوابها باكراً مع انتشار نبأ الهجوم.",
        "وكانت آخر حادثة مماثلة في {village} قد سجلت في {month2}.",
        "وأظهرت صور نشرها {person2} سيارة محترقة على الطريق المؤدي إلى {place2}.",
        "وشيع أهالي {place2} الضحايا في اليوم التالي.",
        "وعززت {actor2} حواجزها بين {village} و{place2}.",
        "وقدر مسؤول محلي عدد العائلات النازحة بـ{n} عائلة.",
        "وقال ذوو الضحايا إنهم من أبناء {village} و{place2}.",
    ],
}
CLAIM_PREFIX = {
    "en": ["", "", "", "Update: ", "Monitor: ", "{place} — ", "{gov}: ", "Field report: "],
    "ar": ["", "", "", "متابعة | ", "خاص | ", "{place} – ", "{gov}: ", "رصد | "],
}
WIRE_HEADLINE = {
    "en": ["{killed_cap} killed in {attack_short} near {place}", "{actor_cap} claims attack on {target} in {gov}",
           "{attack_short_cap} hits {place}, {kn} dead", "Security forces detain {dn} suspects in {gov} sweep",
           "Residents of {place} count the cost of a week of attacks", "{attack_short_cap} near {place} wounds {wounded}"],
    "ar": ["مقتل {killed} في {attack_short} قرب {place}", "{actor} يتبنى هجوماً على {target} في {gov}",
           "{attack_short} يضرب {place} ويوقع {kn} قتلى", "حملة أمنية في {gov} تسفر عن اعتقال {dn} مشتبهاً بهم",
           "سكان {place} يحصون خسائر أسبوع من الهجمات", "{attack_short} قرب {place} يوقع {wn} جرحى"],
}
WIRE_BODY = {
    "en": [
        '"We heard two explosions and then gunfire," said {person2}, who lives in {village}.',
        '"The roads are not safe after dark," said {person2}, {role} in {place}.',
        '"People are afraid to go out to their fields," {person2} told reporters in {place2}.',
        '"Nobody has told us who was behind it," said {person2}, a relative of one of the victims.',
        "{person2}, a spokesman for {actor2}, said {n} suspects had been arrested since the start of {month}.",
        "According to local monitors, at least {big} people have been killed in similar attacks in {gov} since {month2}.",
        "Aid groups say {big} families have been displaced from villages around {place}.",
        "The {camp} camp holds more than {big} people, most of them women and children.",
        "Islamic State lost its last territory in {country} but its cells continue to carry out attacks in rural {gov}.",
        "{actor2_cap} have stepped up raids in the area, detaining {n} people in the past month.",
        "Officials in {gov} said security in the area would be reviewed after the attack.",
        "The attack was the {n}th of its kind recorded in the province this year, according to a local tally.",
        "Schools in {village} were closed for {days} days after the incident.",
        "Traders said the main road between {place} and {place2} had been closed several times this month.",
        "The claim could not be independently verified.",
        "Medical staff at {hospital} said they lacked supplies to treat burn injuries.",
        "Farmers in the area have reported {n} fires in their fields since harvest began.",
        "{person2}, {role}, said families had received threatening letters in recent weeks.",
        "Tribal leaders met in {place2} on {month2} {days} to discuss security arrangements.",
        "Humanitarian access to {village} and surrounding areas remains limited, according to aid workers.",
    ],
    "ar": [
        '"سمعنا انفجارين ثم إطلاق نار كثيف"، قال {person2} وهو من سكان {village}.',
        '"الطرق ليست آمنة بعد حلول الظلام"، بحسب {person2}، وهو {role} في {place}.',
        '"الناس يخشون الذهاب إلى حقولهم"، قال {person2} للصحفيين في {place2}.',
        '"لم يخبرنا أحد من يقف وراء الهجوم"، قال {person2}، وهو قريب لأحد الضحايا.',
        "وقال {person2}، المتحدث باسم {actor2}، إنه تم اعتقال {n} مشتبهاً بهم منذ بداية {month}.",
        "وبحسب مراقبين محليين، قتل ما لا يقل عن {big} شخصاً في هجمات مماثلة في {gov} منذ {month2}.",
        "وتقول منظمات إغاثية إن {big} عائلة نزحت من القرى المحيطة بـ{place}.",
        "ويضم مخيم {camp} أكثر من {big} شخص، معظمهم من النساء والأطفال.",
        "وخسر تنظيم الدولة آخر مناطق سيطرته في {country}، لكن خلاياه تواصل شن هجمات في أرياف {gov}.",
        "وكثفت {actor2} حملات الدهم في المنطقة واعتقلت {n} أشخاص خلال الشهر الماضي.",
        "وقال مسؤولون في {gov} إن الترتيبات الأمنية في المنطقة ستخضع للمراجعة بعد الهجوم.",
        "ويعد هذا الهجوم الـ{n} من نوعه في المحافظة منذ بداية العام بحسب إحصاء محلي.",
        "وأغلقت المدارس في {village} لمدة {days} أيام بعد الحادثة.",
        "وقال تجار إن الطريق الرئيسي بين {place} و{place2} أغلق مرات عدة هذا الشهر.",
        "ولم يتسن التحقق من هذه الرواية بشكل مستقل.",
        "وقال كادر طبي في {hospital} إنهم يفتقرون إلى المستلزمات اللازمة لعلاج الحروق.",
        "وأفاد مزارعون في المنطقة بوقوع {n} حرائق في حقولهم منذ بدء موسم الحصاد.",
        "وقال {person2}، وهو {role}، إن عائلات تلقت رسائل تهديد خلال الأسابيع الأخيرة.",
        "واجتمع وجهاء العشائر في {place2} لبحث الترتيبات الأمنية.",
        "ولا يزال وصول المساعدات الإنسانية إلى {village} والمناطق المحيطة محدوداً بحسب عاملين في الإغاثة.",
    ],
}
DATELINE = {"en": "{PLACE}, {country} ({agency}) —", "ar": "{place} ({agency}) –"}
REPORT_TITLE = {
    "en": ["Protection monitoring report: {gov}, {month} 2019", "Civilian harm in {gov}: incidents recorded in {month} 2019",
           "Insecurity and displacement around {place}: a field assessment", "Detention, abductions and attacks in rural {gov}, {month} 2019"],
    "ar": ["تقرير رصد الحماية: {gov}، {month} 2019", "الأضرار اللاحقة بالمدنيين في {gov}: حوادث {month} 2019",
           "انعدام الأمن والنزوح في محيط {place}: تقييم ميداني", "الاعتقال والخطف والهجمات في ريف {gov} خلال {month} 2019"],
}
REPORT_SECTIONS = {
    "en": ["Summary", "Methodology", "Incident log", "Displacement and humanitarian access", "Detention and due process", "Recommendations"],
    "ar": ["ملخص", "المنهجية", "سجل الحوادث", "النزوح ووصول المساعدات الإنسانية", "الاحتجاز والإجراءات القانونية", "التوصيات"],
}
REPORT_PROSE = {
    "en": [
        "This report covers incidents recorded in {gov} during {month} 2019.",
        "Field researchers interviewed {n} witnesses, relatives of victims and local officials in {place} and {place2}.",
        "Each incident was checked against at least two independent sources before it was recorded.",
        "Where sources disagreed on casualty figures, the lowest credible figure is given.",
        "The number of attacks attributed to {actor} rose compared with {month2}.",
        "Most incidents took place on rural roads and in villages along the river.",
        "Residents of {village} described a pattern of night-time raids and abductions.",
        "At least {big} people left their homes in the {gov} countryside during the period.",
        "Humanitarian organizations reported that access to {village} was interrupted for {days} days.",
        "Families of detainees told researchers they had not been informed of the charges against their relatives.",
        "{person2}, {role}, told researchers that {n} men from the village remain missing.",
        "Explosive remnants of war continue to kill and maim civilians returning to farmland near {place}.",
        "The {camp} camp received {big} new arrivals, straining water and health services.",
        "Local councils in {place2} said they lacked the resources to compensate victims.",
        "Attacks on {target} accounted for a large share of the incidents recorded this month.",
        "Researchers were unable to visit {village} for security reasons and relied on phone interviews.",
        "Several incidents could not be attributed to any party with confidence.",
        "Crop fires destroyed an estimated {big} hectares of wheat and barley in {gov}.",
        "Women heading households reported particular difficulties obtaining civil documents in {place}.",
        "Prices of bread and fuel in {place2} rose sharply after the road closures.",
    ],
    "ar": [
        "يغطي هذا التقرير الحوادث التي وثقت في {gov} خلال {month} 2019.",
        "أجرى الباحثون الميدانيون مقابلات مع {n} من الشهود وذوي الضحايا والمسؤولين المحليين في {place} و{place2}.",
        "جرى التحقق من كل حادثة عبر مصدرين مستقلين على الأقل قبل تسجيلها.",
        "وعند تضارب المصادر حول أعداد الضحايا، اعتمد التقرير أدنى رقم موثوق.",
        "وارتفع عدد الهجمات المنسوبة إلى {actor} مقارنة بشهر {month2}.",
        "ووقعت معظم الحوادث على الطرق الريفية وفي القرى الممتدة على ضفاف النهر.",
        "ووصف سكان {village} نمطاً من المداهمات الليلية وعمليات الخطف.",
        "وغادر ما لا يقل عن {big} شخص منازلهم في ريف {gov} خلال هذه الفترة.",
        "وأفادت منظمات إنسانية بأن الوصول إلى {village} انقطع لمدة {days} أيام.",
        "وقالت عائلات المحتجزين للباحثين إنها لم تبلغ بالتهم الموجهة إلى ذويها.",
        "وقال {person2}، وهو {role}، للباحثين إن {n} رجلاً من القرية ما زالوا في عداد المفقودين.",
        "ولا تزال مخلفات الحرب المتفجرة تقتل وتصيب المدنيين العائدين إلى الأراضي الزراعية قرب {place}.",
        "واستقبل مخيم {camp} {big} وافداً جديداً، ما زاد الضغط على خدمات المياه والصحة.",
        "وقالت المجالس المحلية في {place2} إنها تفتقر إلى الموارد اللازمة لتعويض الضحايا.",
        "وشكلت الهجمات على {target} نسبة كبيرة من الحوادث المسجلة هذا الشهر.",
        "ولم يتمكن الباحثون من زيارة {village} لأسباب أمنية واعتمدوا على مقابلات هاتفية.",
        "ولم يكن من الممكن نسب عدد من الحوادث إلى أي طرف بشكل مؤكد.",
        "وأتلفت حرائق المحاصيل نحو {big} هكتار من القمح والشعير في {gov}.",
        "وأفادت نساء يعلن أسرهن بصعوبات خاصة في استخراج الوثائق المدنية في {place}.",
        "وارتفعت أسعار الخبز والوقود في {place2} بشكل حاد بعد إغلاق الطرق.",
    ],
}
REPORT_RECOMMEND = {
    "en": ["Authorities in {gov} should inform families of detainees of their whereabouts and the charges against them.",
           "Donors should fund mine clearance on farmland around {place} before the next planting season.",
           "All parties should refrain from attacks on civilian infrastructure such as the water station in {village}.",
           "Camp administrators at {camp} should publish the criteria for departures and returns.",
           "Local councils should record civilian casualties consistently and share data with monitors."],
    "ar": ["على السلطات في {gov} إبلاغ عائلات المحتجزين بأماكن احتجازهم والتهم الموجهة إليهم.",
           "على الجهات المانحة تمويل إزالة الألغام من الأراضي الزراعية حول {place} قبل موسم الزراعة المقبل.",
           "على جميع الأطراف الامتناع عن استهداف البنى التحتية المدنية مثل محطة المياه في {village}.",
           "على إدارة مخيم {camp} نشر معايير الخروج والعودة.",
           "على المجالس المحلية توثيق الضحايا المدنيين بشكل منتظم ومشاركة البيانات مع جهات الرصد."],
}


def nwords(text: str) -> int:
    return len(text.split())


def random_when(rng: random.Random) -> dt.datetime:
    month = rng.choices(range(1, 13), weights=MONTH_WEIGHT)[0]
    days = (dt.date(YEAR + (month == 12), month % 12 + 1, 1) - dt.date(YEAR, month, 1)).days
    return dt.datetime(YEAR, month, rng.randint(1, days), rng.randint(0, 23), rng.randint(0, 59), tzinfo=UTC)


def make_claim(rng: random.Random, lang: str, when: dt.datetime, hashtags: bool) -> tuple[str, str | None]:
    target = rng.randint(20, 60)
    for _ in range(50):
        w = Writer(rng, lang)
        ev = Event(rng, when)
        parts = [w.fill(rng.choice(CLAIM_PREFIX[lang]) + rng.choice(CLAIM_LEAD[lang]), ev)]
        details = rng.sample(CLAIM_DETAIL[lang], len(CLAIM_DETAIL[lang]))
        while nwords(" ".join(parts)) < target and details:
            parts.append(w.fill(details.pop(), ev))
        while len(parts) > 1 and nwords(" ".join(parts)) > 57:
            parts.pop()
        text = " ".join(parts)
        if hashtags and rng.random() < 0.3:
            tags = HASHTAGS_EN if lang == "en" else HASHTAGS_AR
            text += " " + " ".join(rng.sample(tags, rng.randint(1, 2)))
        if 20 <= nwords(text) <= 60:
            return text, None
    raise RuntimeError("could not make a claim in range")


def make_wire(rng: random.Random, lang: str, when: dt.datetime, agency: str) -> tuple[str, str]:
    target = rng.randint(150, 600)
    w = Writer(rng, lang)
    ev = Event(rng, when)
    title = w.fill(rng.choice(WIRE_HEADLINE[lang]), ev)
    title = title[:1].upper() + title[1:]
    dateline = DATELINE[lang].format(PLACE=ev.place[0].upper(), place=ev.place[1], country=w.field("country", ev), agency=agency)
    paras = [dateline + " " + w.fill(rng.choice(CLAIM_LEAD[lang]), ev) + " " + w.fill(rng.choice(CLAIM_DETAIL[lang]), ev)]
    words = nwords(paras[0])
    body = WIRE_BODY[lang]
    pool: list[str] = []
    while words < target:
        r = rng.random()
        if r < 0.35:
            # an earlier, related incident: fresh event, same country
            past = Event(rng, when - dt.timedelta(days=rng.randint(1, 40)), ev.country)
            sent = [w.fill(rng.choice(CLAIM_LEAD[lang]), past)]
            if rng.random() < 0.5:
                sent.append(w.fill(rng.choice(CLAIM_DETAIL[lang]), past))
        else:
            sent = []
            for _ in range(rng.randint(1, 3)):
                if not pool:
                    pool.extend(rng.sample(body, len(body)))
                sent.append(w.fill(pool.pop(), ev))
        p = " ".join(sent)
        if words + nwords(p) > 600:
            break
        paras.append(p)
        words += nwords(p)
    return "\n\n".join(paras), title


def make_report(rng: random.Random, lang: str, when: dt.datetime) -> tuple[str, str]:
    target = rng.randint(1500, 4000)
    w = Writer(rng, lang)
    ev = Event(rng, when)
    title = w.fill(rng.choice(REPORT_TITLE[lang]), ev)
    heads = REPORT_SECTIONS[lang]
    paras: list[str] = []
    words = 0

    def add(p: str) -> None:
        nonlocal words
        paras.append(p)
        words += nwords(p)

    def prose(k: int) -> str:
        return " ".join(w.fill(rng.choice(REPORT_PROSE[lang]), ev) for _ in range(k))

    add(heads[0])
    add(prose(rng.randint(3, 6)))
    add(heads[1])
    add(prose(rng.randint(2, 4)))
    add(heads[2])
    budget = target - 350
    while words < budget:
        inc = Event(rng, dt.datetime(YEAR, when.month, rng.randint(1, 28), rng.randint(0, 23), tzinfo=UTC), ev.country)
        d = inc.when
        stamp = f"{d.day} {MONTHS_EN[d.month - 1]}" if lang == "en" else f"{w.num(d.day) if w.numstyle != 'words' else d.day} {MONTHS_AR[d.month - 1]}"
        sents = [w.fill(rng.choice(CLAIM_LEAD[lang]), inc) for _ in range(1)]
        sents += [w.fill(rng.choice(CLAIM_DETAIL[lang] + REPORT_PROSE[lang]), inc) for _ in range(rng.randint(1, 3))]
        add(f"{stamp} — {inc.place[0 if lang == 'en' else 1]}: " + " ".join(sents))
    for h in heads[3:5]:
        add(h)
        add(prose(rng.randint(2, 5)))
    add(heads[5])
    for t in rng.sample(REPORT_RECOMMEND[lang], rng.randint(3, 5)):
        add(w.fill(t, ev))
    return "\n\n".join(paras), title


# ---------------------------------------------------------------------------
# Near-duplicates
# ---------------------------------------------------------------------------

def near_variant(rng: random.Random, text: str, lang: str) -> tuple[str, str]:
    """A repost with one word changed or a hashtag appended."""
    if rng.random() < 0.5:
        tags = HASHTAGS_EN if lang == "en" else HASHTAGS_AR
        tag = rng.choice([t for t in tags if t not in text] or tags)
        return text + " " + tag, "hashtag"
    words = text.split(" ")
    swaps = SWAP_EN if lang == "en" else SWAP_AR
    spots = [i for i, x in enumerate(words) if x in swaps]
    if spots:
        i = rng.choice(spots)
        words[i] = swaps[words[i]]
        return " ".join(words), "word"
    # no swappable word: change a number (its value, not just its script)
    spots = [i for i, x in enumerate(words) if re.fullmatch(r"[0-9]+[.,،]?", x)]
    if spots:
        i = rng.choice(spots)
        m = re.match(r"([0-9]+)(.*)", words[i])
        words[i] = str(int(m.group(1)) + rng.randint(1, 3)) + m.group(2)
        return " ".join(words), "number"
    tags = HASHTAGS_EN if lang == "en" else HASHTAGS_AR
    return text + " " + rng.choice(tags), "hashtag"


# ---------------------------------------------------------------------------
# Corpus plan
# ---------------------------------------------------------------------------

class Doc:
    __slots__ = ("uid", "type", "lang", "source", "fmt", "when", "text", "title", "role", "of", "how", "forwarded", "file")

    def __init__(self, **kw):
        for k in self.__slots__:
            setattr(self, k, kw.get(k))


def src_ok(s, fmt: str, typ: str, lang: str) -> bool:
    return fmt in s[4].split() and typ in s[5].split() and lang in s[3].split()


def pick_format(rng: random.Random, typ: str, html_scale: float) -> str:
    r = rng.random()
    acc = 0.0
    for fmt, p in FORMAT_GIVEN_TYPE[typ].items():
        acc += p * (html_scale if fmt == "html" else 1.0)
        if r < acc:
            return fmt
    return "jsonl"


def pick_source(rng: random.Random, fmt: str, typ: str, lang: str, avoid=()):
    cands = [s for s in SOURCES if src_ok(s, fmt, typ, lang) and s[0] not in avoid]
    return rng.choice(cands) if cands else None


def plan(n: int, seed: int) -> list[Doc]:
    rng = random.Random(seed)
    n_dup = round(n * DUP_SHARE)
    n_near = round(n * NEAR_SHARE)
    n_base = n - n_dup - n_near
    # HTML pages: a few hundred at 100k; keep at least 20.
    html_scale = 1.0 if n >= 100_000 else max(1.0, 20 / max(1, n * (0.25 * 0.0072 + 0.05 * 0.024)))
    base: list[Doc] = []
    seen: set[bytes] = set()
    types, weights = list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values())
    while len(base) < n_base:
        typ = rng.choices(types, weights)[0]
        lang = "ar" if rng.random() < AR_SHARE else "en"
        fmt = pick_format(rng, typ, html_scale)
        src = pick_source(rng, fmt, typ, lang)
        if src is None:
            continue
        when = random_when(rng)
        if typ == "claim":
            text, title = make_claim(rng, lang, when, hashtags=(fmt == "telegram"))
            if fmt != "telegram" and rng.random() < 0.3:
                title = text.split("،")[0].split(",")[0].split(":")[0][:80]
        elif typ == "wire":
            agency = src[0] if src[2] == "news_media" else rng.choice([s[0] for s in SOURCES if s[2] == "news_media" and lang in s[3].split()])
            text, title = make_wire(rng, lang, when, agency)
        else:
            text, title = make_report(rng, lang, when)
        key = vigil_dedup.content_hash(vigil_dedup.normalize_fast(text))
        if key in seen:
            continue  # an accidental exact repeat of a short post: draw again
        seen.add(key)
        published = when + dt.timedelta(minutes=rng.randint(5, 600))
        if published.year > YEAR:
            published = dt.datetime(YEAR, 12, 31, 23, 59, tzinfo=UTC)
        base.append(Doc(type=typ, lang=lang, source=src, fmt=fmt, when=published, text=text, title=title, role="base"))

    copies: list[Doc] = []
    used: set[tuple[int, str]] = set()
    for role, count in (("dup", n_dup), ("near", n_near)):
        made = 0
        while made < count:
            oi = rng.randrange(len(base))
            o = base[oi]
            fmt = pick_format(rng, o.type, html_scale)
            src = pick_source(rng, fmt, o.type, o.lang, avoid={o.source[0]})
            if src is None or (oi, src[0]) in used:
                continue
            when = o.when + dt.timedelta(minutes=rng.randint(3, 3 * 24 * 60))
            if when.year > YEAR:
                when = dt.datetime(YEAR, 12, 31, 23, 59, tzinfo=UTC)
                if when <= o.when:
                    continue
            if role == "dup":
                text, how = o.text, "exact"
            else:
                text, how = near_variant(rng, o.text, o.lang)
                key = vigil_dedup.content_hash(vigil_dedup.normalize_fast(text))
                if key in seen:
                    continue
                seen.add(key)
            used.add((oi, src[0]))
            forwarded = o.source[0] if fmt == "telegram" and rng.random() < 0.6 else None
            copies.append(Doc(type=o.type, lang=o.lang, source=src, fmt=fmt, when=when, text=text,
                              title=o.title if rng.random() < 0.7 else None, role=role, of=o, how=how, forwarded=forwarded))
            made += 1

    docs = base + copies
    # uids follow publication time, so Telegram message ids grow with dates
    docs.sort(key=lambda d: (d.when, d.role != "base"))
    for i, d in enumerate(docs, 1):
        d.uid = i
    return docs


# ---------------------------------------------------------------------------
# Writers per format
# ---------------------------------------------------------------------------

def iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def doc_url(d: Doc) -> str:
    slug = d.source[1]
    return f"https://example.org/{slug}/{d.when:%Y/%m}/{d.uid}"


def write_jsonl(docs: list[Doc], out: str, rng: random.Random) -> list[str]:
    by_month: dict[int, list[Doc]] = defaultdict(list)
    for d in docs:
        by_month[d.when.month].append(d)
    files = []
    os.makedirs(os.path.join(out, "jsonl"), exist_ok=True)
    for month in sorted(by_month):
        rows = by_month[month]
        for part, start in enumerate(range(0, len(rows), JSONL_MAX_LINES), 1):
            path = os.path.join(out, "jsonl", f"collector-{YEAR}-{month:02d}-p{part:02d}.jsonl")
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                for d in rows[start:start + JSONL_MAX_LINES]:
                    rec = {"id": f"{d.source[1]}-{d.uid}", "source": d.source[0], "source_kind": d.source[2]}
                    style = d.uid % 3
                    rec["published"] = iso(d.when) if style else d.when.strftime("%Y-%m-%d %H:%M")
                    rec["url"] = doc_url(d)
                    if d.title:
                        rec["title"] = d.title
                    if rng.random() < 0.6:
                        rec["lang"] = d.lang
                    if d.forwarded:
                        rec["forwarded_from"] = d.forwarded
                    rec["text"] = d.text
                    rec["meta"] = {"collector": "bench-gen", "doc_type": d.type}
                    f.write(json.dumps(rec, ensure_ascii=False) + "\n")
                    d.file = path
            files.append(path)
    return files


HASHTAG_RE = re.compile(r"(#\w+)")
BOLD_RE = re.compile(r"^(BREAKING \||عاجل \|)")


def tg_text(text: str):
    """A message text as Telegram Desktop writes it: a plain string, or an
    array of strings and entity objects when there is formatting."""
    parts: list = []
    m = BOLD_RE.match(text)
    rest = text
    if m:
        parts.append({"type": "bold", "text": m.group(1)})
        rest = text[m.end():]
    for i, chunk in enumerate(HASHTAG_RE.split(rest)):
        if not chunk:
            continue
        parts.append({"type": "hashtag", "text": chunk} if i % 2 else chunk)
    if len(parts) == 1 and isinstance(parts[0], str):
        return parts[0], [{"type": "plain", "text": parts[0]}]
    ents = [p if isinstance(p, dict) else {"type": "plain", "text": p} for p in parts]
    return parts, ents


def tg_time(t: dt.datetime) -> tuple[str, str]:
    return t.astimezone(LOCAL).strftime("%Y-%m-%dT%H:%M:%S"), str(int(t.timestamp()))


def write_telegram(docs: list[Doc], out: str, rng: random.Random) -> tuple[list[str], int]:
    by_src: dict[str, list[Doc]] = defaultdict(list)
    for d in docs:
        by_src[d.source[1]].append(d)
    files, skipped = [], 0
    for slug in sorted(by_src):
        rows = sorted(by_src[slug], key=lambda d: d.uid)
        name = rows[0].source[0]
        path = os.path.join(out, "telegram", slug, "result.json")
        chan_id = 1_000_000_000 + sum(ord(c) for c in slug) * 7919
        from_id = f"channel{chan_id}"
        first = rows[0].when - dt.timedelta(days=3)
        date, unix = tg_time(first)
        msgs = [{"id": 1, "type": "service", "date": date, "date_unixtime": unix, "actor": name, "actor_id": from_id,
                 "action": "create_channel", "title": name, "text": "", "text_entities": []}]
        skipped += 1
        for d in rows:
            date, unix = tg_time(d.when)
            text, ents = tg_text(d.text)
            m = {"id": d.uid * 10, "type": "message", "date": date, "date_unixtime": unix, "from": name, "from_id": from_id}
            if d.forwarded:
                m["forwarded_from"] = d.forwarded
            if rng.random() < 0.08:
                e = d.when + dt.timedelta(minutes=rng.randint(1, 90))
                m["edited"], m["edited_unixtime"] = tg_time(e)
            if rng.random() < 0.25:
                m.update({"photo": f"photos/photo_{d.uid}@{d.when:%d-%m-%Y_%H-%M-%S}.jpg", "width": 1280, "height": 853})
            m["text"] = text
            m["text_entities"] = ents
            msgs.append(m)
            d.file = path
            r = rng.random()
            if r < 0.04:  # a photo posted without a caption
                msgs.append({"id": d.uid * 10 + 1, "type": "message", "date": date, "date_unixtime": unix, "from": name,
                             "from_id": from_id, "photo": f"photos/photo_{d.uid}_b.jpg", "width": 960, "height": 1280,
                             "text": "", "text_entities": []})
                skipped += 1
            elif r < 0.045:  # a pinned-message notice
                msgs.append({"id": d.uid * 10 + 1, "type": "service", "date": date, "date_unixtime": unix, "actor": name,
                             "actor_id": from_id, "action": "pin_message", "message_id": d.uid * 10, "text": "", "text_entities": []})
                skipped += 1
        export = {"name": name, "type": "public_channel", "id": chan_id, "messages": msgs}
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            json.dump(export, f, ensure_ascii=False, indent=1)
            f.write("\n")
        files.append(path)
    return files, skipped


def paras_html(text: str) -> str:
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in text.split("\n\n"))


def write_rss(docs: list[Doc], out: str, rng: random.Random) -> list[str]:
    groups: dict[tuple[str, int], list[Doc]] = defaultdict(list)
    for d in docs:
        groups[(d.source[1], d.when.month)].append(d)
    files = []
    os.makedirs(os.path.join(out, "rss"), exist_ok=True)
    for (slug, month) in sorted(groups):
        rows = sorted(groups[(slug, month)], key=lambda d: -d.uid)
        path = os.path.join(out, "rss", f"{slug}-{YEAR}-{month:02d}.rss")
        src = rows[0].source
        full_content = sum(map(ord, slug)) % 2 == 0  # half the feeds carry content:encoded
        lang = src[3].split()[0]
        out_lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                     '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
                     "<channel>",
                     f"<title>{html.escape(src[0])}</title>",
                     f"<link>https://example.org/{slug}</link>",
                     f"<description>{html.escape(src[0])}: news archive, {MONTHS_EN[month - 1]} {YEAR}</description>",
                     f"<language>{lang}</language>",
                     f"<lastBuildDate>{email.utils.format_datetime(rows[0].when)}</lastBuildDate>"]
        for d in rows:
            url = doc_url(d)
            title = d.title or d.text.split("\n")[0][:90]
            out_lines.append("<item>")
            out_lines.append(f"<title>{html.escape(title, quote=False)}</title>")
            out_lines.append(f"<link>{url}</link>")
            out_lines.append(f'<guid isPermaLink="true">{url}</guid>')
            out_lines.append(f"<pubDate>{email.utils.format_datetime(d.when)}</pubDate>")
            if full_content:
                teaser = d.text.split("\n\n")[0]
                out_lines.append(f"<description>{html.escape(teaser[:300], quote=False)}</description>")
                out_lines.append(f"<content:encoded><![CDATA[{paras_html(d.text)}]]></content:encoded>")
            else:
                out_lines.append(f"<description>{html.escape(paras_html(d.text), quote=False)}</description>")
            out_lines.append("</item>")
            d.file = path
        out_lines += ["</channel>", "</rss>", ""]
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(out_lines))
        files.append(path)
    return files


def write_html(docs: list[Doc], out: str, rng: random.Random) -> list[str]:
    files = []
    for d in sorted(docs, key=lambda d: d.uid):
        src = d.source
        url = doc_url(d)
        title = d.title or d.text.split("\n")[0][:90]
        t = html.escape(title)
        page = f"""<!DOCTYPE html>
<html lang="{d.lang if rng.random() < 0.8 else 'en'}" dir="{'rtl' if d.lang == 'ar' else 'ltr'}">
<head>
<meta charset="utf-8">
<title>{t} | {html.escape(src[0])}</title>
<meta property="og:title" content="{t}">
<meta property="og:site_name" content="{html.escape(src[0])}">
<meta property="og:url" content="{url}">
<meta property="article:published_time" content="{iso(d.when)}">
<link rel="canonical" href="{url}">
<link rel="stylesheet" href="/static/site.css">
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({{page: "{d.uid}"}});</script>
</head>
<body>
<header><a href="/{src[1]}/">{html.escape(src[0])}</a><nav><a href="/{src[1]}/reports">Reports</a> <a href="/{src[1]}/news">News</a> <a href="/{src[1]}/about">About</a></nav></header>
<main>
<h1>{t}</h1>
<div class="byline"><time datetime="{iso(d.when)}">{d.when.day} {MONTHS_EN[d.when.month - 1]} {YEAR}</time></div>
<article>
{paras_html(d.text)}
</article>
<aside><h2>Related</h2><ul><li><a href="/{src[1]}/archive">Archive</a></li></ul></aside>
</main>
<footer>&copy; {YEAR} {html.escape(src[0])}. Contact: info@example.org</footer>
</body>
</html>
"""
        path = os.path.join(out, "html", src[1], f"{d.when:%Y}", f"{d.when:%m}", f"{d.uid}.html")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(page)
        files.append(path)
        d.file = path
    return files


# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Streaming mode (--stream): JSON Lines only, constant memory
# ---------------------------------------------------------------------------

RING = 2_000  # recent originals that copies are drawn from


def make_base(rng: random.Random, typ: str, lang: str, when: dt.datetime, hashtags: bool) -> tuple[str, str | None]:
    if typ == "claim":
        return make_claim(rng, lang, when, hashtags=hashtags)
    if typ == "wire":
        agency = rng.choice([s[0] for s in SOURCES if s[2] == "news_media" and lang in s[3].split()])
        return make_wire(rng, lang, when, agency)
    return make_report(rng, lang, when)


def stream(n: int, seed: int, top: str) -> dict:
    """Writes n documents as JSON Lines (10,000 a file) one at a time, in
    order of publication: originals and, at the same shares as the full
    mode, exact and near copies of one of the last RING originals. Memory
    does not grow with n, so 1,000,000 documents are as easy as 10,000."""
    rng = random.Random(seed)
    out = os.path.join(top, "docs", "jsonl")
    os.makedirs(out)
    ring: list[Doc] = []
    roles: Counter = Counter()
    types: Counter = Counter()
    langs: Counter = Counter()
    nbytes = words = 0
    start = dt.datetime(YEAR, 1, 1, tzinfo=UTC)
    span = dt.datetime(YEAR, 12, 31, 23, 0, tzinfo=UTC) - start
    typs, weights = list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values())
    f = None
    for i in range(n):
        if i % JSONL_MAX_LINES == 0:
            if f:
                f.close()
            f = open(os.path.join(out, f"stream-p{i // JSONL_MAX_LINES + 1:04d}.jsonl"), "w", encoding="utf-8", newline="\n")
        when = start + span * (i / n) + dt.timedelta(minutes=rng.randint(0, 59))
        r = rng.random()
        role = "dup" if r < DUP_SHARE and ring else "near" if r < DUP_SHARE + NEAR_SHARE and ring else "base"
        if role == "base":
            typ = rng.choices(typs, weights)[0]
            lang = "ar" if rng.random() < AR_SHARE else "en"
            src = pick_source(rng, "jsonl", typ, lang) or pick_source(rng, "telegram", typ, lang) \
                or pick_source(rng, "rss", typ, lang) or rng.choice(SOURCES)
            text, title = make_base(rng, typ, lang, when - dt.timedelta(hours=rng.randint(1, 12)), hashtags=rng.random() < 0.3)
            d = Doc(type=typ, lang=lang, source=src, when=when, text=text, title=title, role="base")
            ring.append(d)
            if len(ring) > RING:
                ring.pop(rng.randrange(len(ring) // 2))  # forget an old one
        else:
            o = rng.choice(ring)
            src = rng.choice([s for s in SOURCES if s[0] != o.source[0]])
            text = o.text if role == "dup" else near_variant(rng, o.text, o.lang)[0]
            d = Doc(type=o.type, lang=o.lang, source=src, when=when, text=text, title=o.title, role=role)
        rec = {"id": f"{d.source[1]}-{i + 1}", "source": d.source[0], "source_kind": d.source[2],
               "published": iso(d.when), "url": f"https://example.org/{d.source[1]}/{d.when:%Y/%m}/{i + 1}"}
        if d.title:
            rec["title"] = d.title
        if rng.random() < 0.6:
            rec["lang"] = d.lang
        rec["text"] = d.text
        rec["meta"] = {"collector": "bench-gen", "doc_type": d.type, "role": role}
        line = json.dumps(rec, ensure_ascii=False) + "\n"
        f.write(line)
        nbytes += len(d.text.encode())
        words += nwords(d.text)
        roles[role] += 1
        types[d.type] += 1
        langs[d.lang] += 1
    if f:
        f.close()
    return {"seed": seed, "mode": "stream", "documents": n, "text_bytes": nbytes, "words": words,
            "documents_by_type": dict(types), "documents_by_lang": dict(langs),
            "exact_duplicates": roles["dup"], "near_duplicates": roles["near"],
            "expected": {"documents": n, "new_if_all_found": roles["base"]}}


def sample(seed: int) -> None:
    """One short post, one wire story and one long report in English and
    Arabic, as JSON Lines on stdout: the stage benches' fixture
    (crates/vigil-bench/fixtures/sample.jsonl)."""
    rng = random.Random(seed)
    for typ in ("claim", "wire", "report"):
        for lang in ("en", "ar"):
            when = random_when(rng)
            text, _ = make_base(rng, typ, lang, when, hashtags=False)
            print(json.dumps({"kind": typ, "lang": lang, "published": when.strftime("%Y-%m-%d"), "text": text},
                             ensure_ascii=False))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000, help="number of documents (default 100000)")
    ap.add_argument("--out", help="output directory (replaced if it exists)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--quiet", action="store_true", help="print only the summary JSON path")
    ap.add_argument("--stream", action="store_true",
                    help="JSON Lines only, written one document at a time (constant memory; for 1M documents)")
    ap.add_argument("--sample", action="store_true",
                    help="print one document of each type and language as JSON Lines and exit")
    args = ap.parse_args()
    if args.sample:
        sample(args.seed)
        return 0
    if not args.out:
        ap.error("--out is required")
    if args.docs < 100:
        ap.error("--docs must be at least 100")
    if args.stream:
        if os.path.exists(args.out):
            shutil.rmtree(args.out)
        summary = stream(args.docs, args.seed, args.out)
        with open(os.path.join(args.out, "corpus.json"), "w") as f:
            json.dump(summary, f, indent=2, ensure_ascii=False)
            f.write("\n")
        print(os.path.join(args.out, "corpus.json") if args.quiet else json.dumps(summary, ensure_ascii=False))
        return 0

    docs = plan(args.docs, args.seed)
    top = args.out
    if os.path.exists(top):
        shutil.rmtree(top)
    out = os.path.join(top, "docs")
    os.makedirs(out)
    rng = random.Random(args.seed * 7 + 3)
    by_fmt: dict[str, list[Doc]] = defaultdict(list)
    for d in docs:
        by_fmt[d.fmt].append(d)
    files = {
        "jsonl": write_jsonl(by_fmt["jsonl"], out, rng),
    }
    files["telegram"], tg_skipped = write_telegram(by_fmt["telegram"], out, rng)
    files["rss"] = write_rss(by_fmt["rss"], out, rng)
    files["html"] = write_html(by_fmt["html"], out, rng)

    # Which near-duplicates can Vigil's MinHash LSH see at all? (A pair
    # must share one of 8 band keys and clear the 0.7 resemblance.)
    near_detectable = 0
    near_rows = {}
    for d in docs:
        if d.role == "near":
            a, b = vigil_dedup.normalize_fast(d.of.text), vigil_dedup.normalize_fast(d.text)
            sim = vigil_dedup.resemblance(a, b)
            share = bool(set(vigil_dedup.band_keys(a)) & set(vigil_dedup.band_keys(b)))
            near_rows[d.uid] = (sim, share)
            near_detectable += share and sim >= 0.7

    with open(os.path.join(top, "manifest.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("uid\trole\tof\thow\tformat\tfile\tsource\ttype\tlang\twords\tpublished\tresemblance\tshares_band\n")
        for d in docs:
            sim, share = near_rows.get(d.uid, ("", ""))
            f.write("\t".join(map(str, [d.uid, d.role, d.of.uid if d.of else "", d.how or "", d.fmt, os.path.relpath(d.file, out), d.source[0], d.type,
                                        d.lang, nwords(d.text), iso(d.when),
                                        f"{sim:.4f}" if sim != "" else "", int(share) if share != "" else ""])) + "\n")

    size = {k: sum(os.path.getsize(p) for p in v) for k, v in files.items()}
    count = Counter(d.fmt for d in docs)
    roles = Counter(d.role for d in docs)
    summary = {
        "seed": args.seed,
        "documents": len(docs),
        "documents_by_format": {k: count[k] for k in ("jsonl", "telegram", "rss", "html")},
        "files_by_format": {k: len(files[k]) for k in ("jsonl", "telegram", "rss", "html")},
        "bytes_by_format": {k: size[k] for k in ("jsonl", "telegram", "rss", "html")},
        "bytes": sum(size.values()),
        "documents_by_type": dict(Counter(d.type for d in docs)),
        "documents_by_lang": dict(Counter(d.lang for d in docs)),
        "words": sum(nwords(d.text) for d in docs),
        "sources": len({d.source[0] for d in docs}),
        "exact_duplicates": roles["dup"],
        "near_duplicates": roles["near"],
        "near_duplicates_lsh_detectable": near_detectable,
        "near_duplicates_by_change": dict(Counter(d.how for d in docs if d.role == "near")),
        "telegram_records_skipped": tg_skipped,
        "expected": {
            "documents": len(docs),
            "new_if_all_found": roles["base"],
            "duplicates": roles["dup"],
            "near_duplicates": roles["near"],
            "records_skipped": tg_skipped,
        },
    }
    with open(os.path.join(top, "corpus.json"), "w") as f:
        json.dump(summary, f, indent=2, ensure_ascii=False)
        f.write("\n")
    if args.quiet:
        print(os.path.join(top, "corpus.json"))
        return 0
    mb = 1e6
    print(f"corpus: {out}  (seed {args.seed}; counts in {top}/corpus.json, one line per document in {top}/manifest.tsv)")
    print(f"  documents          {len(docs):>9}   ({summary['words']:,} words, {summary['sources']} sources)")
    for k in ("jsonl", "telegram", "rss", "html"):
        print(f"    {k:<16} {count[k]:>9}   in {len(files[k]):>4} files, {size[k] / mb:8.1f} MB")
    print(f"  bytes              {summary['bytes']:>9,}   ({summary['bytes'] / mb:.1f} MB)")
    t = summary["documents_by_type"]
    l = summary["documents_by_lang"]
    print(f"  types              claims {t.get('claim', 0)}, wires {t.get('wire', 0)}, reports {t.get('report', 0)}")
    print(f"  languages          ar {l.get('ar', 0)} ({100 * l.get('ar', 0) / len(docs):.1f}%), en {l.get('en', 0)}")
    print(f"  exact duplicates   {roles['dup']:>9}   (same text, another source)")
    print(f"  near-duplicates    {roles['near']:>9}   ({summary['near_duplicates_by_change']}; "
          f"{near_detectable} share an LSH band and resemble >= 0.7)")
    print(f"  expected new       {roles['base']:>9}   (if every copy is recognised)")
    print(f"  telegram records without a document (service, photo only): {tg_skipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
