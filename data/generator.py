"""Seeded generator of a synthetic social platform with planted harassment campaigns and their ground truth.

The output is meant for testing mobtrace's detectors end to end: an export in the project's *generic* input
format, an accounts table, and a ground-truth table naming every planted campaign's accounts. Everything is
drawn from ``numpy.random.default_rng`` streams derived from one seed, so the same ``(seed, scale, fmt)``
gives byte-identical files and a different seed gives different data::

    from mobtrace.data.generator import generate
    gs = generate(seed=7, scale=20_000, out_dir="data/sample", fmt="csv")
    gs.interactions_path, gs.accounts_path, gs.ground_truth_path, gs.n_interactions, gs.n_accounts

Files written to ``out_dir``
----------------------------
``interactions.csv`` | ``interactions.parquet``
    ``platform,event_id,account_id,account_handle,action,timestamp,target_account_id,target_post_id,text,
    urls,hashtags,mentions``. platform is ``synthetic``; event ids are ``e`` + a zero-padded number in time
    order; account ids are ``u`` + a zero-padded number in account-creation order (so, like real snowflake
    ids, accounts registered together get nearby ids). Timestamps are ISO-8601 UTC strings with milliseconds
    and a trailing ``Z`` in both formats. urls / hashtags / mentions are JSON array strings in CSV and
    ``list<string>`` columns in Parquet; mentions hold account ids, hashtags have no ``#``. Rows are sorted
    by timestamp, then event_id. Empty targets / text are empty in CSV and null in Parquet.
``accounts.csv``
    ``platform,account_id,handle,display_name,created_at,followers,following`` for every account, organic or not.
``ground_truth.csv``
    ``campaign_id,campaign_type,account_id,role``: one row per (campaign, account); role is ``member``,
    ``target`` (the victim) or ``client`` (the account a paid amplifier network is paid to boost).
``hard_negatives.csv``
    ``set_id,kind,account_id,role``: the organic accounts of the planted hard negatives below (kind
    ``fan_community`` with roles ``idol`` and ``fan``, ``newsroom`` with ``outlet`` and ``journalist``,
    ``brand``, ``hyperactive_human`` with ``human``, ``viral_moment`` with ``author`` and ``engager``: those
    who replied or quoted, ``report_surge`` with ``spammer`` and ``reporter``). They are organic: not in
    ground_truth.csv (a viral moment's author is also a pile-on's target there).

The organic platform (the hard negatives)
-----------------------------------------
* ~``scale / 14`` organic accounts, each with a language (en, es, de, fr, ru, ar, hi — texts and display
  names use Latin, Cyrillic, Arabic and Devanagari script plus emoji), a time zone, a creation date spread
  over ~16 years, a heavy-tailed follower count and a lognormal activity weight. Events per account follow
  the weight, so activity is heavy-tailed: most accounts do a handful of things in the month, a few
  hyperactive ones do hundreds to thousands.
* Posts follow a local-time diurnal rhythm over 30 days starting 2025-03-01. Each post draws engagements
  (reposts, likes, replies, quotes) in proportion to a heavy-tailed popularity; a handful of posts (about
  3 + scale / 250k) are made genuinely viral with hundreds to thousands of distinct engagers, sampled by
  activity weight without replacement so hyperactive accounts repost nearly every viral post.
* Engagement times form a self-exciting cascade: each engagement hangs off the post or an earlier
  engagement (a random recursive tree biased towards early nodes) and arrives a lognormal delay after its
  parent. Viral cascades thus put many unrelated reposts within seconds of each other, while the order in
  which accounts join a cascade is random, so hyperactive accounts are busy but not co-timed.
* Standalone mentions (aimed at popular accounts), follows (preferential attachment) and a thin background
  of reports (~0.4 % of rows, spread over the month and over many targets, popular posts drawing a few
  more) complete the mix.
* Organic look-alikes of a paid amplifier network (one set of each per ``campaigns_per_type(scale)``,
  about 1,300 rows a set, taken from the organic budget), drawn among organic accounts that are no
  campaign's victim or client: a *fan community* (a niche celebrity, none of whose posts has 50 reposts, and
  one or two bandmates; 12–20 fans, like the journalists below drawn among accounts that reposted no such
  busy post, so the suite's viral-reposter checks keep testing viral reposting alone, repost
  three quarters and like half of their posts within seconds to minutes, lognormal lag around 40 s that
  varies from post to post, and a fandom of 40–60 engages over hours); a *newsroom* (2–3 accounts of one
  outlet post 8–14 links each to news.example.com, 5–9 journalists repost half of them around 90 s later
  and post a third of the links themselves 1–20 min later, and one readership of 40–60 engages with all
  the outlet's accounts); a *brand* posting shop links at the same two or three UTC times every day to
  within 4 s; a *hyperactive human* reposting 200–300 posts of many authors 3 s to hours after them
  (lognormal, median 25 min).
* An organic *viral moment* for every pile-on's victim, in the same week as the pile-on (1 to 3 days from its
  first burst): a new post of hers that 250–500 organic strangers engage with in a self-exciting cascade, a
  third replying or quoting with ordinary text (``plant_viral_moments``; ``hard_negatives.csv`` kind
  ``viral_moment``): a burst of inbound replies that no one organised.
* An organic *report surge* against a real spammer, one per ``campaigns_per_type(scale)``: an organic account
  posts 20–40 spam posts with shop links over 2–4 days, and 40–70 established organic accounts (at least a year
  old, unconnected) each report it or one of its spam posts minutes to a day after seeing one, a fifth of them
  again hours later, for varied reasons (spam, scam, "this is a bot", phishing, ...) (``plant_report_surges``;
  ``hard_negatives.csv`` kind ``report_surge``): a wave of reports that no one organised.

Planted campaigns (``n = 1 + (scale - 20_000) // 100_000`` of each type, at least one)
-------------------------------------------------------------------------------------
Campaign members are extra accounts that also get ordinary organic activity from the same machinery as
everyone else (at median-like or lower volume), so volume alone does not give them away. Every victim and
client is a distinct organic account with posts of its own.

``repost_ring``
    12–20 members registered within the same three days, with few followers and bot-ish handles more often.
    1–3 seed members publish 15–30 near-duplicate attack posts over 4–11 days, each mentioning the victim
    (``@handle`` in the text, id in ``mentions``) and carrying the campaign's hashtag. Every other member
    reposts most of them 2–45 s after publication (each member has its own habitual lag plus jitter and
    skips some posts) and likes about a third of them within 90 s. About four in five members also
    mass-report the victim in one 30–90 minute wave inside the ring's span, for one reason (three quarters
    verbatim, else a near-same variant), some also one of her posts (``plant_ring_reports``): brigade members
    who are also in a repost ring.
``pile_on``
    40–80 ordinary-looking, low-activity members swarm one or two of the victim's posts: in a 20–40 minute
    burst (starting 10 min–6 h after the post) they reply to it, mention the victim or quote it with
    hostile text. Every member acts in the first burst; about 60 % return for a second one.
``mass_report``
    25–50 low-activity members (half of them freshly registered) report the victim's account, and about
    half also report one or two of its posts, all within a 60–119 minute window with the same reason
    (mostly verbatim, sometimes a near-same variant such as ``Harassment`` or ``targeted harassment``).
``paid_amplifier``
    15–30 aged accounts with bought-looking follower counts repost and like every post of a main client
    and of 2–4 other unrelated clients (ordinary organic accounts) over the whole month, each member with a
    steady personal latency between 5 and 30 s. There is no victim here: the clients carry ``role=client``.

Performance: all per-row work is vectorised with numpy and built into Arrow arrays in chunks of a million
rows, so 10 million Parquet rows take well under a minute and a few GB of memory on two cores.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["GeneratedSet", "generate", "INTERACTION_COLUMNS", "ACCOUNT_COLUMNS", "GROUND_TRUTH_COLUMNS",
           "HARD_NEGATIVE_COLUMNS"]

INTERACTION_COLUMNS = (
    "platform", "event_id", "account_id", "account_handle", "action", "timestamp",
    "target_account_id", "target_post_id", "text", "urls", "hashtags", "mentions",
)
ACCOUNT_COLUMNS = ("platform", "account_id", "handle", "display_name", "created_at", "followers", "following")
GROUND_TRUTH_COLUMNS = ("campaign_id", "campaign_type", "account_id", "role")
CAMPAIGN_TYPES = ("repost_ring", "pile_on", "mass_report", "paid_amplifier")

PLATFORM = "synthetic"
# The planted campaigns and hard negatives take fixed numbers of organic accounts and posts: below this, some seeds
# run out of them (4,500 failed for seed 1 of 0-15; 5,000 worked for all sixteen).
MIN_SCALE = 5_000
ACTIONS = ("post", "reply", "repost", "quote", "mention", "like", "report", "follow")
POST, REPLY, REPOST, QUOTE, MENTION, LIKE, REPORT, FOLLOW = range(len(ACTIONS))

SECOND = 1_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR
YEAR = 365 * DAY
WINDOW_DAYS = 30
WINDOW = WINDOW_DAYS * DAY                                   # event times are ms since WINDOW_START
WINDOW_START_MS = int(np.datetime64("2025-03-01T00:00:00", "ms").astype(np.int64))
CHUNK_ROWS = 1_000_000

# Share of organic rows per action. Likes and reposts dominate, reports are a thin background.
ORGANIC_MIX = {"post": 0.15, "reply": 0.09, "repost": 0.22, "quote": 0.015,
               "like": 0.361, "mention": 0.05, "follow": 0.11, "report": 0.004}
ENGAGEMENT_MIX = {REPOST: 0.22, LIKE: 0.361, REPLY: 0.09, QUOTE: 0.015}
VIRAL_ENGAGEMENT_MIX = {REPOST: 0.45, LIKE: 0.47, REPLY: 0.05, QUOTE: 0.03}
ENGAGEMENT_OVERDRAW = 1.04    # duplicate likes/reposts and late cascade tails are dropped afterwards

# Relative activity by local hour: quiet nights, a lunch bump, an evening peak.
HOUR_PROFILE = np.array([2.0, 1.2, 0.7, 0.45, 0.35, 0.45, 0.9, 1.8, 2.8, 3.2, 3.3, 3.5,
                         3.9, 3.8, 3.5, 3.4, 3.5, 3.8, 4.2, 4.8, 5.2, 5.0, 4.2, 3.0])

# --------------------------------------------------------------------------------------------------
# Word lists. Small and hand-written: texts are recombined from them, never fetched.
# --------------------------------------------------------------------------------------------------
LANGS = ("en", "es", "de", "fr", "ru", "ar", "hi")
LANG_SHARE = (0.42, 0.15, 0.07, 0.07, 0.11, 0.09, 0.09)
LANG_TIMEZONES = {  # (UTC offsets in hours, their shares)
    "en": ((-8, -5, 0, 10), (0.25, 0.4, 0.3, 0.05)), "es": ((-6, -5, -3, 1), (0.3, 0.2, 0.2, 0.3)),
    "de": ((1,), (1.0,)), "fr": ((1,), (1.0,)), "ru": ((3, 5), (0.8, 0.2)),
    "ar": ((2, 3, 4), (0.3, 0.5, 0.2)), "hi": ((5.5,), (1.0,)),
}
WORDS = {
    "en": "coffee morning city train music game weekend rain match team new album recipe garden market update "
          "story photo book movie season finally great today tonight friends street river school work project "
          "launch news weather holiday sunset bike dog cat park concert podcast election budget festival".split(),
    "es": "café mañana ciudad tren música partido equipo lluvia nuevo libro película mercado noticias playa "
          "familia trabajo fiesta calle gato perro parque concierto elecciones cocina sol tarde hoy amigos "
          "viaje semana".split(),
    "de": "Kaffee Morgen Stadt Zug Musik Spiel Wochenende Regen neu Buch Film Markt Nachrichten Garten Fahrrad "
          "Arbeit Schule Konzert Wetter Urlaub heute Abend Freunde Straße Hund Katze Wahl Rezept Sonne "
          "endlich".split(),
    "fr": "café matin ville train musique match équipe week-end pluie nouveau livre film marché nouvelles "
          "jardin vélo travail école concert météo vacances soir amis rue chien chat élection recette soleil "
          "enfin".split(),
    "ru": "кофе утро город поезд музыка матч команда выходные дождь новый книга фильм рынок новости сад "
          "работа школа концерт погода отпуск сегодня вечер друзья улица собака кошка выборы рецепт солнце "
          "наконец".split(),
    "ar": "قهوة صباح مدينة قطار موسيقى مباراة فريق عطلة مطر جديد كتاب فيلم سوق أخبار حديقة عمل مدرسة "
          "حفلة طقس اليوم مساء أصدقاء شارع قطة انتخابات وصفة شمس أخيرا رحلة عائلة".split(),
    "hi": "चाय सुबह शहर ट्रेन संगीत मैच टीम छुट्टी बारिश नया किताब फ़िल्म बाज़ार खबर बगीचा काम स्कूल "
          "कॉन्सर्ट मौसम आज शाम दोस्त सड़क कुत्ता बिल्ली चुनाव खाना धूप आखिरकार परिवार".split(),
}
OPENERS = {
    "en": ["just saw", "honestly", "can't believe", "loving this", "quick thought:", "anyone else", "so",
           "update:", "reminder:", "lol", "ok but", "thread:", "hot take:", "good morning", "wow"],
    "es": ["acabo de ver", "la verdad", "no puedo creer", "me encanta", "oigan", "buenos días",
           "alguien más", "ojo:", "jaja", "bueno"],
    "de": ["gerade gesehen", "ehrlich gesagt", "kaum zu glauben", "guten Morgen", "kurze Frage:", "na ja",
           "wow", "Achtung:"],
    "fr": ["je viens de voir", "franchement", "incroyable", "bonjour", "petite question :", "bon", "wow",
           "rappel :"],
    "ru": ["только что видел", "честно говоря", "не верю", "доброе утро", "вопрос:", "ну", "вау",
           "напоминаю:"],
    "ar": ["شاهدت الآن", "بصراحة", "لا أصدق", "صباح الخير", "سؤال:", "يا جماعة", "واو"],
    "hi": ["अभी देखा", "सच कहूँ तो", "यकीन नहीं होता", "सुप्रभात", "एक सवाल:", "अरे", "वाह"],
}
HOSTILE_WORDS = {
    "en": ["liar", "fraud", "clown", "shameful", "disgrace", "pathetic", "fake", "exposed", "coward",
           "grifter", "delete your account", "nobody believes you", "everyone knows", "step down", "boycott"],
    "es": ["mentiroso", "fraude", "payaso", "vergüenza", "patético", "falso", "cobarde", "desenmascarado",
           "renuncia", "boicot"],
    "de": ["Lügner", "Betrüger", "Clown", "Schande", "erbärmlich", "Fake", "Feigling", "entlarvt",
           "tritt zurück", "Boykott"],
    "fr": ["menteur", "escroc", "clown", "honte", "pathétique", "faux", "lâche", "démasqué", "démission",
           "boycott"],
    "ru": ["лжец", "мошенник", "клоун", "позор", "жалкий", "фейк", "трус", "разоблачён", "уходи", "бойкот"],
    "ar": ["كاذب", "محتال", "مهرج", "عار", "مزيف", "جبان", "فضيحة", "ارحل", "مقاطعة"],
    "hi": ["झूठा", "धोखेबाज़", "जोकर", "शर्मनाक", "नकली", "डरपोक", "बेनकाब", "इस्तीफ़ा दो", "बहिष्कार"],
}
CLOSERS = ["", "", "", "", "", "", "!", "?", "...", " 🔥", " 😂", " ❤️", " 🙏", " 👀", " 🎉", " 😢",
           " 💯", " 🤔", " 😍", " 👏"]
ANGRY_CLOSERS = ["", "!", "!!", " 🤡", " 🤮", " 👎", " 😡", " 🚮", " 🐀"]
REPORT_REASONS = ("spam", "harassment", "misinformation", "scam", "hate_speech", "impersonation",
                  "violence", "nudity", "self_harm", "other")
ORGANIC_REASON_SHARE = (0.35, 0.15, 0.12, 0.10, 0.08, 0.06, 0.04, 0.04, 0.02, 0.04)
CAMPAIGN_REASONS = {  # reason -> near-same variants that some mass-report members type instead
    "harassment": ["Harassment", "harassment!!", "harassment/bullying", "targeted harassment"],
    "impersonation": ["Impersonation", "impersonation!", "fake account impersonation"],
    "hate_speech": ["hate speech", "Hate_speech", "hate_speech!!"],
    "spam": ["Spam", "spam!!", "spam/scam"],
}
CAMPAIGN_REASON_SHARE = {"harassment": 0.5, "impersonation": 0.2, "hate_speech": 0.2, "spam": 0.1}
HASHTAGS = ("news breaking football music election weather tech ai climate travel food photography art gaming "
            "movies books science health fitness crypto fashion nba f1 worldcup startup jobs education "
            "politics economy memes cats dogs motivation "
            "noticias fútbol música elecciones nachrichten fussball wahl actualité musique élection "
            "новости футбол музыка выборы погода أخبار كرة_القدم موسيقى انتخابات طقس "
            "समाचार क्रिकेट संगीत चुनाव मौसम bollywood ipl").split()
HANDLE_WORDS = ("sunny pixel river urban retro cosmic lucky silent golden wild blue night coffee gamer true real "
                "free patriot voice news daily truth based alpha storm iron echo nova").split()
DOMAINS = ("news.example.com", "blog.example.org", "video.example.net", "shop.example.com", "photos.example.net",
           "forum.example.org", "radio.example.com", "wiki.example.org", "t.example.net", "paste.example.com")
DOMAIN_SHARE = (0.25, 0.15, 0.2, 0.08, 0.08, 0.06, 0.05, 0.05, 0.06, 0.02)
EMOJI = ("✨", "🌸", "⚽", "🎧", "📚", "🌍", "☕", "🚀", "🇪🇸", "🇮🇳", "🌙", "💙")
# (Latin handle part, native-script display part) per language.
FIRST_NAMES = {
    "en": "james mary john linda mike sarah david emma chris olivia alex sophia daniel grace ryan chloe kevin "
          "lily tom jess".split(),
    "es": "maria jose carlos lucia javier sofia diego elena pablo carmen luis ana miguel paula andres laura "
          "jorge marta raul isabel".split(),
    "de": "lukas anna felix lea jonas mia paul lena finn hannah max laura leon julia noah sara elias emma ben "
          "clara".split(),
    "fr": "louis camille hugo lea jules chloe arthur manon lucas ines nathan jade theo louise raphael alice "
          "adam emma paul sarah".split(),
    "ru": [("ivan", "Иван"), ("olga", "Ольга"), ("dmitry", "Дмитрий"), ("anna", "Анна"), ("sergey", "Сергей"),
           ("elena", "Елена"), ("alexei", "Алексей"), ("natasha", "Наташа"), ("pavel", "Павел"),
           ("irina", "Ирина"), ("nikolai", "Николай"), ("maria", "Мария"), ("andrei", "Андрей"),
           ("tatiana", "Татьяна"), ("yuri", "Юрий"), ("svetlana", "Светлана")],
    "ar": [("ahmed", "أحمد"), ("fatima", "فاطمة"), ("omar", "عمر"), ("layla", "ليلى"), ("youssef", "يوسف"),
           ("mariam", "مريم"), ("khaled", "خالد"), ("noor", "نور"), ("hassan", "حسن"), ("sara", "سارة"),
           ("ali", "علي"), ("huda", "هدى"), ("karim", "كريم"), ("amina", "أمينة"), ("tariq", "طارق"),
           ("rania", "رانيا")],
    "hi": [("rahul", "राहुल"), ("priya", "प्रिया"), ("amit", "अमित"), ("neha", "नेहा"), ("vikram", "विक्रम"),
           ("anjali", "अंजलि"), ("arjun", "अर्जुन"), ("pooja", "पूजा"), ("rohan", "रोहन"), ("kavya", "काव्या"),
           ("sanjay", "संजय"), ("divya", "दिव्या"), ("karan", "करण"), ("meera", "मीरा"), ("ravi", "रवि"),
           ("sunita", "सुनीता")],
}
LAST_NAMES = {
    "en": "smith jones brown taylor wilson evans walker hughes clarke wright green baker hall young king lee "
          "allen scott adams carter".split(),
    "es": "garcia lopez martinez sanchez perez gomez diaz torres ruiz romero navarro moreno alvarez castro "
          "vargas ortiz rubio molina suarez ramos".split(),
    "de": "mueller schmidt schneider fischer weber meyer wagner becker schulz hoffmann koch richter klein wolf "
          "neumann braun zimmer krause lange vogel".split(),
    "fr": "martin bernard dubois thomas robert richard petit durand leroy moreau simon laurent lefebvre michel "
          "garcia david bertrand roux vincent fournier".split(),
    "ru": [("petrov", "Петров"), ("ivanova", "Иванова"), ("smirnov", "Смирнов"), ("kuznetsova", "Кузнецова"),
           ("popov", "Попов"), ("volkova", "Волкова"), ("sokolov", "Соколов"), ("morozova", "Морозова"),
           ("lebedev", "Лебедев"), ("kozlova", "Козлова"), ("novikov", "Новиков"), ("orlova", "Орлова")],
    "ar": [("haddad", "حداد"), ("khalil", "خليل"), ("mansour", "منصور"), ("nasser", "ناصر"), ("saleh", "صالح"),
           ("hamdan", "حمدان"), ("farouk", "فاروق"), ("qasim", "قاسم"), ("aziz", "عزيز"), ("rashid", "رشيد"),
           ("salem", "سالم"), ("yassin", "ياسين")],
    "hi": [("sharma", "शर्मा"), ("verma", "वर्मा"), ("gupta", "गुप्ता"), ("singh", "सिंह"), ("patel", "पटेल"),
           ("kumar", "कुमार"), ("mehta", "मेहता"), ("joshi", "जोशी"), ("reddy", "रेड्डी"), ("iyer", "अय्यर"),
           ("nair", "नायर"), ("das", "दास")],
}


@dataclass(frozen=True)
class GeneratedSet:
    """Where generate() wrote its files, and how many interaction and account rows they hold."""

    interactions_path: Path
    accounts_path: Path
    ground_truth_path: Path
    n_interactions: int
    n_accounts: int
    hard_negatives_path: Path | None = None


def generate(seed: int = 7, scale: int = 20_000, out_dir: str | Path = "data/sample",
             fmt: str = "csv") -> GeneratedSet:
    """Write a synthetic platform export of about ``scale`` interaction rows (±15 %) plus accounts and
    ground truth to ``out_dir``; ``fmt`` ("csv" or "parquet") chooses the interactions file's format."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    scale = int(scale)
    if scale < MIN_SCALE:
        raise ValueError(f"scale must be at least {MIN_SCALE} rows so the planted campaigns fit, got {scale}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    # Independent streams per stage: tuning one stage does not reshuffle the others.
    vocab_rng, plan_rng, account_rng, organic_rng, campaign_rng, negative_rng, viral_rng, ring_report_rng, surge_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(9))  # (the first 7 as spawn(7) gives them)
    vocab = Vocabulary(vocab_rng)
    n_organic = max(300, round(scale / 14))
    plans = plan_campaigns(plan_rng, scale, first_member=n_organic)
    accounts = build_accounts(account_rng, vocab, n_organic, plans)

    log = EventLog()
    planted_rows = sum(p.expected_rows for p in plans) + HARD_NEGATIVE_ROWS * campaigns_per_type(scale)
    organic_budget = max(scale - planted_rows, scale // 3)
    posts = generate_organic_activity(organic_rng, accounts, vocab, organic_budget, log)
    truth = plant_campaigns(campaign_rng, plans, accounts, vocab, posts, log)
    negatives = plant_hard_negatives(negative_rng, scale, accounts, vocab, posts, log, np.array(truth.account))
    plant_viral_moments(viral_rng, plans, accounts, vocab, log, negatives, np.array(truth.account + negatives.account))
    plant_ring_reports(ring_report_rng, plans, vocab, posts, log)
    plant_report_surges(surge_rng, scale, accounts, vocab, log, negatives, np.array(truth.account + negatives.account))

    events = log.concat()
    sort_by_time(events)
    n_rows = len(events["time"])
    inter_path = out / f"interactions.{fmt}"
    write_interactions(events, accounts, vocab, inter_path, fmt)
    del events
    acc_path = out / "accounts.csv"
    write_accounts(accounts, acc_path)
    gt_path = out / "ground_truth.csv"
    write_ground_truth(truth, accounts, gt_path)
    hn_path = out / "hard_negatives.csv"
    write_hard_negatives(negatives, accounts, hn_path)
    return GeneratedSet(inter_path, acc_path, gt_path, n_rows, accounts.n, hn_path)


# --------------------------------------------------------------------------------------------------
# Small sampling helpers
# --------------------------------------------------------------------------------------------------
class WeightedSampler:
    """Draws indices with replacement, P(i) ∝ weight[i]."""

    def __init__(self, weight: np.ndarray):
        weight = np.asarray(weight, dtype=np.float64)
        self.p = weight / weight.sum()
        self.cum = np.cumsum(weight)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if n >= len(self.p) // 4:
            # Big draws: counts per index, then shuffle. Same distribution as n independent draws, but
            # several times faster than n binary searches with cache misses.
            counts = rng.multinomial(n, self.p)
            return rng.permutation(np.repeat(np.arange(len(self.p), dtype=np.int32), counts))
        return np.searchsorted(self.cum, rng.random(n) * self.cum[-1], side="right").astype(np.int32)


def sample_without_replacement(rng: np.random.Generator, log_weight: np.ndarray, k: int,
                               shuffle: bool = True) -> np.ndarray:
    """k distinct indices, weighted (Gumbel top-k; -inf log-weights are never picked). With shuffle=False
    they come in draw order (as if drawn one by one without replacement), else in random order."""
    keys = log_weight - np.log(-np.log(rng.random(len(log_weight))))
    if k <= 0:
        return np.empty(0, dtype=np.int32)
    # sorted: argpartition's order is numpy's implementation's (it differs between AVX2 and AVX-512 machines)
    top = np.sort(np.argpartition(-keys, k - 1)[:k])
    top = top[np.isfinite(keys[top])]
    top = rng.permutation(top) if shuffle else top[np.argsort(-keys[top], kind="stable")]
    return top.astype(np.int32)


def diurnal_times(rng: np.random.Generator, tz_ms: np.ndarray) -> np.ndarray:
    """One time per row, uniform over the window's days, hour drawn from the local-time activity profile."""
    n = len(tz_ms)
    day = rng.integers(0, WINDOW_DAYS, n, dtype=np.int64)
    local_hour = np.searchsorted(np.cumsum(HOUR_PROFILE) / HOUR_PROFILE.sum(), rng.random(n), side="right")
    t = day * DAY + local_hour * HOUR + (rng.random(n) * HOUR).astype(np.int64) - tz_ms
    return t % WINDOW  # wrapping keeps the shape of the daily cycle, only the first/last day trade hours


def pick_from_shares(rng: np.random.Generator, shares, n: int) -> np.ndarray:
    cum = np.cumsum(np.asarray(shares, dtype=np.float64))
    return np.searchsorted(cum / cum[-1], rng.random(n), side="right")


def sum_delays_to_root(parent: np.ndarray, delay: np.ndarray) -> np.ndarray:
    """Total delay from each node back to its tree root (roots are their own parents, with delay 0).

    Pointer jumping: every pass doubles how far each node looks up, so depth d costs log2(d) passes."""
    total = delay.copy()
    up = parent.copy()
    while True:
        up_up = up[up]
        if np.array_equal(up_up, up):
            return total
        total = total + total[up]
        up = up_up


# --------------------------------------------------------------------------------------------------
# Vocabulary: every string the rows are built from, addressed by small integer codes
# --------------------------------------------------------------------------------------------------
class Vocabulary:
    """Text fragments, hashtags, domains and name parts. Rows store fragment codes; strings are only
    assembled (vectorised, in Arrow) when a chunk is written, which keeps 10M rows cheap."""

    def __init__(self, rng: np.random.Generator):
        self.fragments: list[str] = [""]          # code 0 is the empty fragment
        self.ranges: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for kind, per_lang in (
            ("open", {lang: [o + " " for o in OPENERS[lang]] for lang in LANGS}),
            ("body", {lang: self._phrases(rng, WORDS[lang], 400, 2, 4) for lang in LANGS}),
            ("tail", {lang: [" " + p for p in self._phrases(rng, WORDS[lang], 200, 1, 3)] for lang in LANGS}),
            ("hostile_open", {lang: [w + " " for w in HOSTILE_WORDS[lang][:6]] for lang in LANGS}),
            ("hostile_body", {lang: self._hostile_phrases(rng, lang, 60) for lang in LANGS}),
            ("close", {lang: CLOSERS for lang in LANGS}),
            ("angry_close", {lang: ANGRY_CLOSERS for lang in LANGS}),
        ):
            self._add_kind(kind, per_lang)
        self.reason_code = {r: self._add_fragment(r) for r in REPORT_REASONS}
        self.reason_variant_codes = {r: [self._add_fragment(v) for v in vs] for r, vs in CAMPAIGN_REASONS.items()}
        self.organic_reason_codes = np.array([self.reason_code[r] for r in REPORT_REASONS], dtype=np.int16)

        compound = [str(a) + str(b) for a, b in zip(rng.choice(WORDS["en"], 300), rng.choice(WORDS["en"], 300))]
        self.hashtags: list[str] = list(dict.fromkeys(HASHTAGS + compound))   # ordered de-duplication
        rank = np.arange(len(self.hashtags))
        self.organic_tags = WeightedSampler(1.0 / (rank + 3.0) ** 1.1)       # Zipf-like popularity
        self.domains = list(DOMAINS)

        self.first_latin, self.first_native, self.first_range = self._names(FIRST_NAMES)
        self.last_latin, self.last_native, self.last_range = self._names(LAST_NAMES)

    @staticmethod
    def _phrases(rng, words, n, lo, hi) -> list[str]:
        return [" ".join(rng.choice(words, rng.integers(lo, hi + 1), replace=False)) for _ in range(n)]

    @staticmethod
    def _hostile_phrases(rng, lang, n) -> list[str]:
        hostile, neutral = HOSTILE_WORDS[lang], WORDS[lang]
        return [f"{rng.choice(hostile)} {rng.choice(neutral)} {rng.choice(hostile)}" for _ in range(n)]

    def _add_fragment(self, text: str) -> int:
        self.fragments.append(text)
        return len(self.fragments) - 1

    def _add_kind(self, kind: str, per_lang: dict[str, list[str]]) -> None:
        starts, sizes = [], []
        for lang in LANGS:
            starts.append(len(self.fragments))
            sizes.append(len(per_lang[lang]))
            self.fragments.extend(per_lang[lang])
        self.ranges[kind] = (np.array(starts, dtype=np.int64), np.array(sizes, dtype=np.int64))

    @staticmethod
    def _names(table):
        latin, native, starts, sizes = [], [], [], []
        for lang in LANGS:
            starts.append(len(latin))
            sizes.append(len(table[lang]))
            for item in table[lang]:
                lat, nat = item if isinstance(item, tuple) else (item, item.capitalize())
                latin.append(lat)
                native.append(nat)
        return pa.array(latin), pa.array(native), (np.array(starts), np.array(sizes))

    def pick(self, rng, kind: str, lang: np.ndarray) -> np.ndarray:
        """A fragment code of the given kind in each row's language."""
        starts, sizes = self.ranges[kind]
        return (starts[lang] + (rng.random(len(lang)) * sizes[lang]).astype(np.int64)).astype(np.int16)

    def organic_text(self, rng, lang: np.ndarray) -> tuple[np.ndarray, ...]:
        n = len(lang)
        opener = np.where(rng.random(n) < 0.4, self.pick(rng, "open", lang), 0).astype(np.int16)
        tail = np.where(rng.random(n) < 0.7, self.pick(rng, "tail", lang), 0).astype(np.int16)
        return opener, self.pick(rng, "body", lang), tail, self.pick(rng, "close", lang)

    def hostile_text(self, rng, lang: np.ndarray, bodies: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
        """Abusive text; passing a few fixed ``bodies`` makes the near-duplicate copypasta of a ring."""
        n = len(lang)
        body = self.pick(rng, "hostile_body", lang) if bodies is None else rng.choice(bodies, n)
        tail = np.where(rng.random(n) < 0.5, self.pick(rng, "tail", lang), 0).astype(np.int16)
        return self.pick(rng, "hostile_open", lang), body.astype(np.int16), tail, self.pick(rng, "angry_close", lang)

    def add_hashtag(self, tag: str) -> int:
        self.hashtags.append(tag)
        return len(self.hashtags) - 1

    def organic_hashtags(self, rng, n: int, shares) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Up to three distinct Zipf-popular tags per row, empty slots (-1) trailing."""
        count = pick_from_shares(rng, shares, n)
        slots = [np.where(count > i, self.organic_tags.sample(rng, n), -1) for i in range(3)]
        slots[1] = np.where(slots[1] == slots[0], -1, slots[1])
        slots[2] = np.where((slots[2] == slots[0]) | (slots[2] == slots[1]) | (slots[1] < 0), -1, slots[2])
        return tuple(s.astype(np.int16) for s in slots)


# --------------------------------------------------------------------------------------------------
# Campaign plans: drawn before the accounts so members can be registered as accounts up front
# --------------------------------------------------------------------------------------------------
@dataclass
class CampaignPlan:
    campaign_id: str
    campaign_type: str
    members: np.ndarray        # account indices
    lang: int
    params: dict = field(default_factory=dict)

    @property
    def expected_rows(self) -> float:
        m, p = len(self.members), self.params
        if self.campaign_type == "repost_ring":
            return p["n_posts"] * (1 + (m - 1) * (0.86 + 0.35))
        if self.campaign_type == "pile_on":
            return m * 1.45 * (1.0 + 0.6 * p["second_burst"])
        if self.campaign_type == "mass_report":
            return m * 1.7
        # paid_amplifier: members x boosted posts x (repost + like); clients may have fewer posts than the cap
        return m * 0.915 * 2 * 0.9 * (p["main_cap"] + sum(p["other_caps"]))


MEMBER_RANGE = {"repost_ring": (12, 20), "pile_on": (40, 80), "mass_report": (25, 50), "paid_amplifier": (15, 30)}


def campaigns_per_type(scale: int) -> int:
    return 1 + max(0, scale - 20_000) // 100_000


def plan_campaigns(rng: np.random.Generator, scale: int, first_member: int) -> list[CampaignPlan]:
    plans, next_account = [], first_member
    for i in range(campaigns_per_type(scale)):
        for ctype in CAMPAIGN_TYPES:
            lo, hi = MEMBER_RANGE[ctype]
            size = int(rng.integers(lo, hi + 1))
            members = np.arange(next_account, next_account + size, dtype=np.int32)
            next_account += size
            lang = int(pick_from_shares(rng, LANG_SHARE, 1)[0])
            params: dict = {}
            if ctype == "repost_ring":
                params["n_posts"] = int(rng.integers(15, 31))
            elif ctype == "pile_on":
                params["second_burst"] = bool(rng.random() < 0.4)
            elif ctype == "paid_amplifier":
                # Small exports get fewer boosted posts per client, or the network would swamp them.
                params["main_cap"] = int(min(rng.integers(12, 21), max(4, scale // 1_000)))
                params["other_caps"] = [int(min(rng.integers(3, 9), max(2, scale // 4_000)))
                                        for _ in range(int(rng.integers(2, 5)))]
            plans.append(CampaignPlan(f"{ctype}_{i + 1:03d}", ctype, members, lang, params))
    return plans


# --------------------------------------------------------------------------------------------------
# Accounts
# --------------------------------------------------------------------------------------------------
@dataclass
class Accounts:
    lang: np.ndarray           # int8 index into LANGS
    tz_ms: np.ndarray          # UTC offset of the account's local time
    created: np.ndarray        # ms relative to WINDOW_START (negative: all accounts predate the window)
    followers: np.ndarray
    following: np.ndarray
    weight: np.ndarray         # relative activity
    post_share: np.ndarray     # relative inclination to post rather than engage
    organic: np.ndarray        # bool: not a planted-campaign member
    number: np.ndarray = None  # public id number = rank of creation time
    ids: pa.Array = None
    handles: pa.Array = None
    display_names: pa.Array = None

    @property
    def n(self) -> int:
        return len(self.lang)


def build_accounts(rng: np.random.Generator, vocab: Vocabulary, n_organic: int,
                   plans: list[CampaignPlan]) -> Accounts:
    n = n_organic + sum(len(p.members) for p in plans)
    lang = pick_from_shares(rng, LANG_SHARE, n).astype(np.int8)
    # Organic defaults for everyone; campaign members are overwritten below.
    z = rng.normal(size=n)
    weight = np.exp(1.5 * np.clip(z, -4.0, 4.0))                                  # lognormal, max ~400x median
    followers = np.exp(np.log(120) + 1.6 * (0.45 * z + 0.89 * rng.normal(size=n)))
    followers *= np.where(rng.random(n) < 0.002, rng.pareto(1.2, n) * 50 + 1, 1)  # a few celebrities
    following = np.exp(np.log(180) + 1.0 * rng.normal(size=n))
    created = -(DAY + (rng.random(n) ** 1.4 * 16 * YEAR)).astype(np.int64)        # skewed towards recent
    post_share = rng.lognormal(0.0, 0.8, n)
    organic = np.ones(n, dtype=bool)
    bot_like = rng.random(n) < 0.06                                              # organic hard negatives

    for plan in plans:
        m, k = plan.members, len(plan.members)
        organic[m] = False
        if plan.campaign_type == "repost_ring":
            lang[m] = plan.lang
            created[m] = -int(rng.uniform(15, 120) * DAY) + (rng.random(k) * 3 * DAY).astype(np.int64)
            followers[m] = rng.integers(0, 60, k)
            following[m] = rng.integers(40, 400, k)
            weight[m] = rng.lognormal(np.log(0.8), 0.4, k)
            bot_like[m] = rng.random(k) < 0.7
        elif plan.campaign_type == "pile_on":
            lang[m] = np.where(rng.random(k) < 0.7, plan.lang, lang[m])
            weight[m] = rng.lognormal(np.log(0.5), 0.6, k)
        elif plan.campaign_type == "mass_report":
            fresh = rng.random(k) < 0.5
            created[m] = np.where(fresh, -(rng.uniform(2, 60, k) * DAY).astype(np.int64), created[m])
            followers[m] = rng.integers(0, 150, k)
            weight[m] = rng.lognormal(np.log(0.35), 0.5, k)
            bot_like[m] = rng.random(k) < 0.5
        else:  # paid_amplifier: aged accounts with bought-looking audiences
            created[m] = -(rng.uniform(1, 8, k) * YEAR).astype(np.int64)
            followers[m] = rng.lognormal(np.log(800), 0.8, k)
            following[m] = rng.lognormal(np.log(1500), 0.5, k)
            weight[m] = rng.lognormal(0.0, 0.5, k)
            bot_like[m] = rng.random(k) < 0.4

    tz_choices = [np.asarray(LANG_TIMEZONES[lg][0], dtype=np.float64) for lg in LANGS]
    tz_hours = np.zeros(n)
    for li, lg in enumerate(LANGS):
        mask = lang == li
        tz_hours[mask] = tz_choices[li][pick_from_shares(rng, LANG_TIMEZONES[lg][1], int(mask.sum()))]

    acc = Accounts(lang=lang, tz_ms=(tz_hours * HOUR).astype(np.int64), created=created,
                   followers=followers.astype(np.int64), following=following.astype(np.int64),
                   weight=weight, post_share=post_share, organic=organic)
    acc.number = np.empty(n, dtype=np.int64)
    acc.number[np.argsort(created, kind="stable")] = np.arange(1, n + 1)
    acc.ids = id_strings("u", acc.number, max(6, len(str(n))))
    acc.handles, acc.display_names = build_names(rng, vocab, lang, bot_like)
    return acc


def id_strings(prefix: str, numbers: np.ndarray, width: int, null_mask: np.ndarray | None = None) -> pa.Array:
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers, mask=null_mask), pa.string()), width=width, padding="0")
    return pc.binary_join_element_wise(prefix, digits, "")


def build_names(rng: np.random.Generator, vocab: Vocabulary, lang: np.ndarray,
                bot_like: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """Readable, unique handles ("maria_k42", "ivan_petrov", "sunnypixel77", "patriot_voice48213") and
    display names in the account's own script."""
    n = len(lang)

    def name_index(rng_range):
        starts, sizes = rng_range
        return starts[lang] + (rng.random(n) * sizes[lang]).astype(np.int64)

    fi, li = name_index(vocab.first_range), name_index(vocab.last_range)
    first, last = vocab.first_latin.take(fi), vocab.last_latin.take(li)
    first_n, last_n = vocab.first_native.take(fi), vocab.last_native.take(li)
    words = pa.array(HANDLE_WORDS)
    word = words.take(rng.integers(0, len(HANDLE_WORDS), n))
    word2 = words.take(rng.integers(0, len(HANDLE_WORDS), n))
    letter = pa.array(list("abcdefghijklmnopqrstuvwxyz")).take(rng.integers(0, 26, n))

    def num(lo, hi):
        return pc.cast(pa.array(rng.integers(lo, hi, n)), pa.string())

    join = pc.binary_join_element_wise
    styles = [
        join(first, "_", letter, num(10, 100), ""),        # maria_k42
        join(first, last, ""),                             # ivanpetrov
        join(first, "_", last, ""),                        # ivan_petrov
        join(word, word2, num(1, 1000), ""),               # sunnypixel77
        join(first, num(1960, 2010), ""),                  # maria1987
        join(word, "_", word2, num(1_000, 100_000_000), ""),  # patriot_voice48213 (sockpuppet-looking)
    ]
    style = pick_from_shares(rng, (0.32, 0.16, 0.16, 0.21, 0.15), n)
    style[bot_like] = 5
    handles = make_unique(pc.choose(pa.array(style.astype(np.int8)), *styles))

    display_styles = [
        join(first_n, " ", last_n, ""),
        join(first_n, " ", pc.utf8_slice_codeunits(last_n, 0, 1), ".", ""),
        first_n,
        join(pc.utf8_capitalize(word), " ", pc.utf8_capitalize(word2), ""),
    ]
    display = pc.choose(pa.array(pick_from_shares(rng, (0.5, 0.2, 0.18, 0.12), n).astype(np.int8)),
                        *display_styles)
    emoji = pa.array(EMOJI).take(rng.integers(0, len(EMOJI), n))
    display = pc.if_else(pa.array(rng.random(n) < 0.1), join(display, " ", emoji, ""), display)
    return handles, display


def make_unique(handles: pa.Array) -> pa.Array:
    """Append "_<row number>" to every repeat of an earlier handle until all handles are distinct."""
    while True:
        codes = np.asarray(pc.dictionary_encode(handles).indices)
        _, first = np.unique(codes, return_index=True)
        repeat = np.ones(len(codes), dtype=bool)
        repeat[first] = False
        if not repeat.any():
            return handles
        suffix = pc.cast(pa.array(np.arange(len(codes))), pa.string())
        handles = pc.if_else(pa.array(repeat), pc.binary_join_element_wise(handles, "_", suffix, ""), handles)


# --------------------------------------------------------------------------------------------------
# Event log: columnar integer codes, one block per batch of generated rows
# --------------------------------------------------------------------------------------------------
EVENT_COLUMNS = {  # name -> (dtype, default)
    "time": (np.int64, None), "actor": (np.int32, None), "action": (np.int8, None),
    "tgt_acc": (np.int32, -1), "tgt_post": (np.int64, -1),               # tgt_post: row number of the post
    "t0": (np.int16, -1), "t1": (np.int16, 0), "t2": (np.int16, 0), "t3": (np.int16, 0),  # text; t0=-1: none
    "h0": (np.int16, -1), "h1": (np.int16, -1), "h2": (np.int16, -1),   # hashtag codes
    "m0": (np.int32, -1), "m1": (np.int32, -1),                         # mentioned accounts
    "url_domain": (np.int8, -1), "url_path": (np.int32, 0),
}


class EventLog:
    """Append-only store of generated rows. A row's provisional number is its position in the log;
    ``tgt_post`` refers to that number until sort_by_time() turns it into the final row number."""

    def __init__(self):
        self.blocks: list[dict[str, np.ndarray]] = []
        self.size = 0

    def add(self, **cols) -> np.ndarray:
        n = len(cols["time"])
        block = {}
        for name, (dtype, default) in EVENT_COLUMNS.items():
            value = cols.pop(name, default)
            if value is None:
                raise ValueError(f"event column {name} is required")
            block[name] = np.broadcast_to(np.asarray(value).astype(dtype, copy=False), (n,))
        if cols:
            raise ValueError(f"unknown event columns: {sorted(cols)}")
        self.blocks.append(block)
        self.size += n
        return np.arange(self.size - n, self.size, dtype=np.int64)

    def concat(self) -> dict[str, np.ndarray]:
        out = {}
        for name in EVENT_COLUMNS:
            out[name] = np.concatenate([b[name] for b in self.blocks])
            for b in self.blocks:   # free as we go: keeps peak memory near one copy of the log
                b[name] = None
        self.blocks = []
        return out


def sort_by_time(ev: dict[str, np.ndarray]) -> None:
    """Order rows by time (ties keep log order, so a post precedes engagements stamped the same ms) and
    point tgt_post at final row numbers."""
    order = np.argsort(ev["time"], kind="stable")
    for name in ev:
        ev[name] = ev[name][order]
    final_row = np.empty_like(order)
    final_row[order] = np.arange(len(order))
    del order
    has = ev["tgt_post"] >= 0
    ev["tgt_post"][has] = final_row[ev["tgt_post"][has]]


# --------------------------------------------------------------------------------------------------
# Organic activity
# --------------------------------------------------------------------------------------------------
@dataclass
class PostIndex:
    """Organic posts, for campaigns to aim at: who wrote them, when, their log row, engagement count."""

    author: np.ndarray
    time: np.ndarray
    row: np.ndarray
    engagement: np.ndarray

    def by_author(self, account: int) -> np.ndarray:
        """Indices (into this index) of the account's posts, in time order."""
        lo, hi = np.searchsorted(self._sorted_author, [account, account + 1])
        return self._order[lo:hi]

    def __post_init__(self):
        self._order = np.lexsort((self.time, self.author))
        self._sorted_author = self.author[self._order]


def generate_organic_activity(rng: np.random.Generator, acc: Accounts, vocab: Vocabulary, budget: int,
                              log: EventLog) -> PostIndex:
    want = {a: int(round(share * budget)) for a, share in ORGANIC_MIX.items()}
    activity = WeightedSampler(acc.weight)
    posts = generate_posts_and_cascades(rng, acc, vocab, want, activity, log)
    generate_mentions(rng, acc, vocab, want["mention"], activity, log)
    generate_follows(rng, acc, want["follow"], activity, log)
    generate_background_reports(rng, acc, vocab, want["report"], posts, log)
    return posts


def generate_posts_and_cascades(rng, acc: Accounts, vocab: Vocabulary, want: dict, activity: WeightedSampler,
                                log: EventLog) -> PostIndex:
    n_posts = want["post"]
    author = WeightedSampler(acc.weight * acc.post_share).sample(rng, n_posts)
    post_time = diurnal_times(rng, acc.tz_ms[author])

    # How many engagements each post gets: heavy-tailed popularity, plus a few planted viral posts.
    popularity = (acc.followers[author] + 10.0) ** 0.6 * rng.lognormal(0.0, 1.0, n_posts)
    viral, viral_size = choose_viral_posts(rng, acc, author, post_time, popularity)
    popularity[viral] = 0.0
    n_engagements = int(sum(want[ACTIONS[a]] for a in ENGAGEMENT_MIX) * ENGAGEMENT_OVERDRAW)
    per_post = rng.multinomial(max(n_engagements - int(viral_size.sum()), 0), popularity / popularity.sum())
    per_post[viral] = viral_size

    # Cascade layout: each post's root row followed by its engagements.
    size = per_post + 1
    root = np.cumsum(size) - size
    owner = np.repeat(np.arange(n_posts, dtype=np.int32), size)
    local = np.arange(len(owner), dtype=np.int64) - root[owner]
    is_root = local == 0
    is_viral_row = np.zeros(n_posts, dtype=bool)
    is_viral_row[viral] = True
    is_viral_row = is_viral_row[owner]

    # Self-exciting timing: each engagement hangs off the post or an earlier engagement (biased to early
    # ones, so bursts form around the first sharers) and comes a lognormal delay after it.
    parent = root[owner] + np.floor(rng.random(len(owner)) ** 1.6 * local).astype(np.int64)
    kernel_s = np.exp(rng.uniform(np.log(180), np.log(2_700), n_posts))
    kernel_s[viral] = np.exp(rng.uniform(np.log(180), np.log(600), len(viral)))
    delay = (SECOND + kernel_s[owner] * SECOND * rng.lognormal(0.0, 1.2, len(owner))).astype(np.int64)
    delay[is_root] = 0
    time = post_time[owner] + sum_delays_to_root(parent, delay)
    del parent, delay, local

    actor = activity.sample(rng, len(owner))
    actor[is_root] = author
    log_weight = np.log(acc.weight)
    for p, k in zip(viral, viral_size):
        lw = log_weight.copy()
        lw[author[p]] = -np.inf
        actor[root[p] + 1: root[p] + 1 + k] = sample_without_replacement(rng, lw, int(k))
    own = (actor == author[owner]) & ~is_root
    actor[own] = activity.sample(rng, int(own.sum()))   # one redraw; leftovers dropped below

    action = np.full(len(owner), POST, dtype=np.int8)
    codes = np.array(list(ENGAGEMENT_MIX), dtype=np.int8)
    action[~is_root] = codes[pick_from_shares(rng, list(ENGAGEMENT_MIX.values()), int((~is_root).sum()))]
    viral_eng = is_viral_row & ~is_root
    action[viral_eng] = codes[pick_from_shares(rng, list(VIRAL_ENGAGEMENT_MIX.values()), int(viral_eng.sum()))]

    keep = is_root | ((time < WINDOW) & (actor != author[owner]))
    keep &= ~repeated_engagement(owner, action, actor, acc.n, is_root)
    new_row = np.cumsum(keep) - 1
    owner, action, actor, time, is_root = owner[keep], action[keep], actor[keep], time[keep], is_root[keep]
    n = len(owner)
    engagement_count = np.bincount(owner, minlength=n_posts) - 1

    # Text, tags, mentions, urls per kind of row.
    t = [np.full(n, -1, dtype=np.int16)] + [np.zeros(n, dtype=np.int16) for _ in range(3)]
    h = [np.full(n, -1, dtype=np.int16) for _ in range(3)]
    m0, m1 = np.full(n, -1, dtype=np.int32), np.full(n, -1, dtype=np.int32)
    url_domain, url_path = np.full(n, -1, dtype=np.int8), np.zeros(n, dtype=np.int32)
    texted = np.flatnonzero(is_root | (action == REPLY) | (action == QUOTE))
    for slot, codes_ in zip(t, vocab.organic_text(rng, acc.lang[actor[texted]])):
        slot[texted] = codes_
    roots = np.flatnonzero(is_root)
    for slot, tags in zip(h, vocab.organic_hashtags(rng, len(roots), (0.55, 0.25, 0.13, 0.07))):
        slot[roots] = tags
    quotes = np.flatnonzero(action == QUOTE)
    h[0][quotes] = vocab.organic_hashtags(rng, len(quotes), (0.75, 0.25))[0]
    replies = np.flatnonzero(action == REPLY)
    m0[replies] = author[owner[replies]]                      # "@author ..." like real reply threads
    mentionable = WeightedSampler((acc.followers + 5.0) ** 0.6)
    n_mentioned = pick_from_shares(rng, (0.9, 0.08, 0.02), len(roots))
    for slot, k in ((m0, 1), (m1, 2)):
        who = mentionable.sample(rng, len(roots))
        ok = (n_mentioned >= k) & (who != author[owner[roots]])
        slot[roots[ok]] = who[ok]
    m1[m0 < 0] = -1
    m1[m1 == m0] = -1
    linked = np.concatenate([roots[rng.random(len(roots)) < 0.18], quotes[rng.random(len(quotes)) < 0.05]])
    url_domain[linked] = pick_from_shares(rng, DOMAIN_SHARE, len(linked))
    url_path[linked] = rng.integers(1, 10_000_000, len(linked))

    post_row = log.size + new_row[root]                     # where each post lands in the log
    tgt_post = np.where(is_root, -1, post_row[owner])
    tgt_acc = np.where(is_root, -1, author[owner])
    log.add(time=time, actor=actor, action=action, tgt_acc=tgt_acc, tgt_post=tgt_post,
            t0=t[0], t1=t[1], t2=t[2], t3=t[3], h0=h[0], h1=h[1], h2=h[2], m0=m0, m1=m1,
            url_domain=url_domain, url_path=url_path)
    return PostIndex(author=author, time=post_time, row=post_row, engagement=engagement_count)


def choose_viral_posts(rng, acc: Accounts, author: np.ndarray, post_time: np.ndarray,
                       popularity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A handful of posts (3 + 1 per 250k expected rows) by organic authors, early enough for the cascade to
    play out, each with hundreds to thousands of distinct engagers (never more than 40 % of all accounts)."""
    n_viral = 3 + len(author) // (250_000 * ORGANIC_MIX["post"])
    log_pop = np.where(acc.organic[author] & (post_time < WINDOW - 2 * DAY), np.log(popularity + 1e-12), -np.inf)
    viral = np.sort(sample_without_replacement(rng, log_pop, int(n_viral)))
    lo, hi = min(300, 0.15 * acc.n), min(8_000, 0.4 * acc.n)
    size = np.exp(rng.uniform(np.log(lo), np.log(hi), len(viral)))
    size[0] = hi                                               # always one post at the top of the range
    return viral, size.astype(np.int64)


def repeated_engagement(owner, action, actor, n_accounts: int, is_root) -> np.ndarray:
    """True for a second like / repost / quote of the same post by the same account (replies may repeat)."""
    cand = np.flatnonzero(~is_root & (action != REPLY))
    key = (owner[cand].astype(np.int64) * len(ACTIONS) + action[cand]) * n_accounts + actor[cand]
    _, first = np.unique(key, return_index=True)
    repeated = np.ones(len(cand), dtype=bool)
    repeated[first] = False
    out = np.zeros(len(owner), dtype=bool)
    out[cand[repeated]] = True
    return out


def generate_mentions(rng, acc: Accounts, vocab: Vocabulary, n: int, activity: WeightedSampler,
                      log: EventLog) -> None:
    """Standalone "@someone ..." messages, aimed at popular accounts more often."""
    actor = activity.sample(rng, n)
    target = WeightedSampler((acc.followers + 5.0) ** 0.6).sample(rng, n)
    ok = actor != target
    actor, target = actor[ok], target[ok]
    t = vocab.organic_text(rng, acc.lang[actor])
    log.add(time=diurnal_times(rng, acc.tz_ms[actor]), actor=actor, action=MENTION, tgt_acc=target,
            t0=t[0], t1=t[1], t2=t[2], t3=t[3], m0=target)


def generate_follows(rng, acc: Accounts, n: int, activity: WeightedSampler, log: EventLog) -> None:
    """Follows by preferential attachment: the well-followed gain most of the new followers."""
    actor = activity.sample(rng, n)
    target = WeightedSampler((acc.followers + 1.0) ** 0.8).sample(rng, n)
    pair = actor.astype(np.int64) * acc.n + target
    _, first = np.unique(pair, return_index=True)
    first = np.sort(first)
    first = first[actor[first] != target[first]]
    actor, target = actor[first], target[first]
    log.add(time=diurnal_times(rng, acc.tz_ms[actor]), actor=actor, action=FOLLOW, tgt_acc=target)


def generate_background_reports(rng, acc: Accounts, vocab: Vocabulary, n: int, posts: PostIndex,
                                log: EventLog) -> None:
    """Sparse organic reports with mixed reasons: half about a post (busy posts draw more of them, some
    hours after publication), half about an account."""
    n_post = n // 2
    post = WeightedSampler(posts.engagement + 1.0).sample(rng, n_post)
    p_time = posts.time[post]
    later = p_time + (rng.lognormal(np.log(2 * HOUR), 1.5, n_post)).astype(np.int64)
    anytime_after = p_time + (rng.random(n_post) * (WINDOW - 1 - p_time)).astype(np.int64)
    post_report_time = np.where(later < WINDOW, later, anytime_after)
    target = np.concatenate([posts.author[post],
                             WeightedSampler(np.sqrt(acc.followers + 20.0)).sample(rng, n - n_post)])
    actor = WeightedSampler(np.sqrt(acc.weight)).sample(rng, n)   # reporting does not scale with hyperactivity
    time = np.concatenate([post_report_time, diurnal_times(rng, acc.tz_ms[actor[n_post:]])])
    tgt_post = np.concatenate([posts.row[post], np.full(n - n_post, -1)])
    reason = vocab.organic_reason_codes[pick_from_shares(rng, ORGANIC_REASON_SHARE, n)]
    ok = actor != target
    log.add(time=time[ok], actor=actor[ok], action=REPORT, tgt_acc=target[ok], tgt_post=tgt_post[ok],
            t0=reason[ok])


# --------------------------------------------------------------------------------------------------
# Planted campaigns
# --------------------------------------------------------------------------------------------------
@dataclass
class TruthRows:
    campaign_id: list = field(default_factory=list)
    campaign_type: list = field(default_factory=list)
    account: list = field(default_factory=list)
    role: list = field(default_factory=list)

    def add(self, plan: CampaignPlan, accounts, role: str) -> None:
        for a in np.atleast_1d(accounts):
            self.campaign_id.append(plan.campaign_id)
            self.campaign_type.append(plan.campaign_type)
            self.account.append(int(a))
            self.role.append(role)


class VictimPicker:
    """Chooses victims and clients among organic accounts with posts; nobody is chosen twice.

    Each pool (eligibility rule + weight) is ranked once by a weighted random key (Gumbel top-k, i.e.
    weighted sampling without replacement); picks walk down that ranking and skip accounts already taken.
    That keeps hundreds of campaigns from rescanning every account."""

    def __init__(self, rng, acc: Accounts, posts: PostIndex):
        self.rng, self.acc, self.posts = rng, acc, posts
        self.taken = np.zeros(acc.n, dtype=bool)
        self._rankings: dict[str, list] = {}

    def posts_before(self, deadline: int) -> np.ndarray:
        """Per account, how many of its posts were published before the deadline."""
        early = self.posts.time < deadline
        return np.bincount(self.posts.author[early], minlength=self.acc.n)

    def pick(self, pool: str, k: int = 1) -> np.ndarray:
        if pool not in self._rankings:
            eligible, weight = self._pool_rule(pool)
            eligible &= self.acc.organic
            log_weight = np.where(eligible, np.log(weight + 1e-12), -np.inf)
            self._rankings[pool] = [sample_without_replacement(self.rng, log_weight, int(eligible.sum()),
                                                               shuffle=False), 0]
        ranking, cursor = self._rankings[pool]
        chosen = []
        while len(chosen) < k:
            if cursor >= len(ranking):
                raise RuntimeError(f"not enough organic accounts for {pool} campaigns; raise the scale")
            a = ranking[cursor]
            cursor += 1
            if not self.taken[a]:
                self.taken[a] = True
                chosen.append(a)
        self._rankings[pool][1] = cursor
        return np.array(chosen, dtype=np.int32)

    def _pool_rule(self, pool: str) -> tuple[np.ndarray, np.ndarray]:
        notable = np.sqrt(self.acc.followers + 1.0)      # victims skew towards visible accounts
        if pool == "repost_ring":
            return self.posts_before(WINDOW) >= 1, notable
        if pool == "pile_on":
            return self.posts_before(PILE_ON_LAST_POST) >= 1, notable
        if pool == "mass_report":
            return self.posts_before(MASS_REPORT_LATEST_START - HOUR) >= 3, notable
        # Clients look ordinary: several posts spread over the month, but not the hyperactive top.
        count = self.posts_before(PAID_LAST_POST)
        ordinary = (count >= 4) & (count <= max(4, np.quantile(count[count > 0], 0.97)))
        return ordinary, np.ones(self.acc.n)


PILE_ON_LAST_POST = WINDOW - 8 * HOUR          # room for a 6 h fuse and a 40 min burst
MASS_REPORT_LATEST_START = WINDOW - 3 * HOUR
PAID_LAST_POST = WINDOW - MINUTE


@dataclass
class CampaignContext:
    """What every planter needs: the platform so far, where to write rows and ground truth."""

    acc: Accounts
    vocab: Vocabulary
    posts: PostIndex
    picker: VictimPicker
    log: EventLog
    truth: TruthRows
    member_engagements: np.ndarray     # sorted keys of likes/reposts campaign members already did organically

    def not_done_before(self, actor: np.ndarray, post_row: np.ndarray, action: int) -> np.ndarray:
        """False where the member already did this very like/repost organically (no duplicate rows)."""
        key = engagement_key(post_row, action, actor, self.acc.n)
        at = np.minimum(np.searchsorted(self.member_engagements, key), len(self.member_engagements) - 1)
        return self.member_engagements[at] != key


def engagement_key(post_row, action, actor, n_accounts: int) -> np.ndarray:
    return (np.asarray(post_row, dtype=np.int64) * len(ACTIONS) + action) * n_accounts + actor


def organic_member_engagements(log: EventLog, acc: Accounts) -> np.ndarray:
    keys = []
    for block in log.blocks:
        mask = ~acc.organic[block["actor"]] & ((block["action"] == LIKE) | (block["action"] == REPOST))
        keys.append(engagement_key(block["tgt_post"][mask], block["action"][mask], block["actor"][mask], acc.n))
    return np.unique(np.concatenate(keys + [np.array([-1], dtype=np.int64)]))   # -1: never empty


def plant_campaigns(rng, plans: list[CampaignPlan], acc: Accounts, vocab: Vocabulary, posts: PostIndex,
                    log: EventLog) -> TruthRows:
    ctx = CampaignContext(acc, vocab, posts, VictimPicker(rng, acc, posts), log, TruthRows(),
                          organic_member_engagements(log, acc))
    planters = {"repost_ring": plant_repost_ring, "pile_on": plant_pile_on,
                "mass_report": plant_mass_report, "paid_amplifier": plant_paid_amplifier}
    for plan in plans:
        planters[plan.campaign_type](rng, plan, ctx)
    return ctx.truth


def plant_repost_ring(rng, plan: CampaignPlan, ctx: CampaignContext) -> None:
    vocab, log = ctx.vocab, ctx.log
    target = ctx.picker.pick("repost_ring")[0]
    members = plan.members
    seeds = members[: int(rng.integers(1, 4))]
    n_posts = plan.params["n_posts"]
    span = rng.uniform(4, 11) * DAY
    start = rng.uniform(0, WINDOW - span - DAY)
    post_time = np.sort(start + rng.random(n_posts) * span).astype(np.int64)
    author = rng.choice(seeds, n_posts)
    lang = np.full(n_posts, plan.lang)
    bodies = vocab.pick(rng, "hostile_body", np.full(3, plan.lang))       # copypasta: 3 variants
    t = vocab.hostile_text(rng, lang, bodies)
    suffix = rng.choice(["exposed", "fraud", "out", "lies"])
    tag = vocab.add_hashtag(f"{ctx.acc.handles[int(target)].as_py()}{suffix}")
    extra_tag = np.where(rng.random(n_posts) < 0.3, vocab.organic_tags.sample(rng, n_posts), -1)
    post_rows = log.add(time=post_time, actor=author, action=POST, t0=t[0], t1=t[1], t2=t[2], t3=t[3],
                        h0=tag, h1=extra_tag, m0=target)

    # Every member has a habitual lag and reliability; together they repost within seconds, every time.
    lag_s = rng.uniform(3, 28, len(members))
    reliability = rng.uniform(0.75, 0.97, len(members))
    mi, pi = (g.ravel() for g in np.meshgrid(np.arange(len(members)), np.arange(n_posts), indexing="ij"))
    joins = (members[mi] != author[pi]) & (rng.random(len(mi)) < reliability[mi])
    mi, pi = mi[joins], pi[joins]
    delay = np.clip(lag_s[mi] + rng.normal(0, 3.5, len(mi)), 2.0, 45.0)
    log.add(time=post_time[pi] + (delay * SECOND).astype(np.int64), actor=members[mi], action=REPOST,
            tgt_acc=author[pi], tgt_post=post_rows[pi])
    likes = rng.random(len(mi)) < 0.35
    log.add(time=post_time[pi[likes]] + (rng.uniform(3, 90, int(likes.sum())) * SECOND).astype(np.int64),
            actor=members[mi[likes]], action=LIKE, tgt_acc=author[pi[likes]], tgt_post=post_rows[pi[likes]])
    plan.params["target"], plan.params["span"] = int(target), (int(post_time[0]), int(post_time[-1]))  # for plant_ring_reports
    ctx.truth.add(plan, members, "member")
    ctx.truth.add(plan, target, "target")


def plant_pile_on(rng, plan: CampaignPlan, ctx: CampaignContext) -> None:
    acc, posts = ctx.acc, ctx.posts
    target = ctx.picker.pick("pile_on")[0]
    own = posts.by_author(target)
    own = own[posts.time[own] < PILE_ON_LAST_POST]
    n_bursts = 2 if plan.params["second_burst"] and len(own) >= 2 else 1
    members = plan.members
    prefix = rng.choice(["ratio", "cancel", "shame", "boycott"])
    tag = ctx.vocab.add_hashtag(f"{prefix}{acc.handles[int(target)].as_py()}")
    for burst, p in enumerate(rng.choice(own, n_bursts, replace=False)):
        joined = members if burst == 0 else members[rng.random(len(members)) < 0.6]
        actor = np.repeat(joined, 1 + (rng.random(len(joined)) < 0.35) + (rng.random(len(joined)) < 0.1))
        n = len(actor)
        start = posts.time[p] + int(rng.uniform(10, 360) * MINUTE)
        plan.params.setdefault("burst_starts", []).append(int(start))   # for the viral moment in the same week
        length = rng.uniform(20, 40) * MINUTE
        time = start + (length * rng.beta(1.6, 2.8, n)).astype(np.int64)
        kind = np.array([REPLY, MENTION, QUOTE])[pick_from_shares(rng, (0.65, 0.25, 0.10), n)]
        t = ctx.vocab.hostile_text(rng, acc.lang[actor])
        ctx.log.add(time=time, actor=actor, action=kind, tgt_acc=target,
                    tgt_post=np.where(kind == MENTION, -1, posts.row[p]),
                    t0=t[0], t1=t[1], t2=t[2], t3=t[3], m0=np.where(kind == QUOTE, -1, target),
                    h0=np.where(rng.random(n) < 0.2, tag, -1))
    plan.params["target"] = int(target)
    ctx.truth.add(plan, members, "member")
    ctx.truth.add(plan, target, "target")


def plant_mass_report(rng, plan: CampaignPlan, ctx: CampaignContext) -> None:
    vocab, posts = ctx.vocab, ctx.posts
    target = ctx.picker.pick("mass_report")[0]
    own = posts.by_author(target)
    start = rng.uniform(posts.time[own[2]] + HOUR, MASS_REPORT_LATEST_START)   # after the victim posted a bit
    length = rng.uniform(60, 119) * MINUTE
    reportable = own[posts.time[own] < start]
    reason = str(rng.choice(list(CAMPAIGN_REASON_SHARE), p=list(CAMPAIGN_REASON_SHARE.values())))
    members = plan.members
    # Each member reports the account; about half also report one or two posts.
    extra = (rng.random(len(members)) < 0.5) * (1 + (rng.random(len(members)) < 0.4))
    actor = np.concatenate([members, np.repeat(members, extra)])
    post = np.concatenate([np.full(len(members), -1), rng.choice(reportable, int(extra.sum()))])
    n = len(actor)
    codes = np.where(rng.random(n) < 0.8, vocab.reason_code[reason],
                     rng.choice(vocab.reason_variant_codes[reason], n))
    ctx.log.add(time=(start + length * rng.beta(1.3, 2.2, n)).astype(np.int64), actor=actor, action=REPORT,
                tgt_acc=target, tgt_post=np.where(post >= 0, posts.row[np.maximum(post, 0)], -1), t0=codes)
    ctx.truth.add(plan, members, "member")
    ctx.truth.add(plan, target, "target")


def plant_paid_amplifier(rng, plan: CampaignPlan, ctx: CampaignContext) -> None:
    posts = ctx.posts
    caps = [plan.params["main_cap"]] + plan.params["other_caps"]
    clients = ctx.picker.pick("paid_amplifier", len(caps))
    members = plan.members
    lag_repost = rng.uniform(5, 25, len(members))
    lag_like = rng.uniform(5, 25, len(members))
    reliability = rng.uniform(0.85, 0.98, len(members))
    for client, cap in zip(clients, caps):
        own = posts.by_author(client)
        own = own[posts.time[own] < PAID_LAST_POST]
        if len(own) > cap:
            own = np.sort(rng.choice(own, cap, replace=False))
        mi, pi = (g.ravel() for g in np.meshgrid(np.arange(len(members)), own, indexing="ij"))
        for action, lag in ((REPOST, lag_repost), (LIKE, lag_like)):
            joins = rng.random(len(mi)) < reliability[mi]
            joins &= ctx.not_done_before(members[mi], posts.row[pi], action)
            delay = np.clip(lag[mi[joins]] + rng.normal(0, 1.2, int(joins.sum())), 5.0, 30.0)
            ctx.log.add(time=posts.time[pi[joins]] + (delay * SECOND).astype(np.int64), actor=members[mi[joins]],
                        action=action, tgt_acc=client, tgt_post=posts.row[pi[joins]])
    ctx.truth.add(plan, members, "member")
    ctx.truth.add(plan, clients, "client")


# --------------------------------------------------------------------------------------------------
# Organic hard negatives: genuine behaviour that looks like paid amplification from one side
# --------------------------------------------------------------------------------------------------
HARD_NEGATIVE_KINDS = ("fan_community", "newsroom", "brand", "hyperactive_human", "viral_moment")
HARD_NEGATIVE_COLUMNS = ("set_id", "kind", "account_id", "role")
HARD_NEGATIVE_ROWS = 1_300          # expected rows of one set of the four, taken from the organic budget
NEWS_DOMAIN, SHOP_DOMAIN = DOMAINS.index("news.example.com"), DOMAINS.index("shop.example.com")


@dataclass
class NegativeRows:
    set_id: list = field(default_factory=list)
    kind: list = field(default_factory=list)
    account: list = field(default_factory=list)
    role: list = field(default_factory=list)

    def add(self, set_id: str, kind: str, accounts, role: str) -> None:
        for a in np.atleast_1d(accounts):
            self.set_id.append(set_id)
            self.kind.append(kind)
            self.account.append(int(a))
            self.role.append(role)


class OrganicPicker:
    """Organic accounts for the hard negatives, never a campaign's member, victim or client, nobody twice."""

    def __init__(self, rng, acc: Accounts, posts: PostIndex, excluded: np.ndarray):
        self.rng, self.acc = rng, acc
        self.free = acc.organic.copy()
        self.free[np.asarray(excluded, dtype=np.int64)] = False
        self.n_posts = np.bincount(posts.author[posts.time < WINDOW - DAY], minlength=acc.n)

    def pick(self, k: int, weight: np.ndarray | None = None, min_posts: int = 0,
             allowed: np.ndarray | None = None) -> np.ndarray:
        eligible = self.free & (self.n_posts >= min_posts) & (True if allowed is None else allowed)
        w = np.ones(self.acc.n) if weight is None else np.asarray(weight, dtype=np.float64)
        chosen = sample_without_replacement(self.rng, np.where(eligible, np.log(w + 1e-12), -np.inf), k)
        if len(chosen) < k:
            raise RuntimeError("not enough organic accounts for the hard negatives; raise the scale")
        self.free[chosen] = False
        return np.sort(chosen)


def plant_hard_negatives(rng, scale: int, acc: Accounts, vocab: Vocabulary, posts: PostIndex, log: EventLog,
                         excluded: np.ndarray) -> NegativeRows:
    """``campaigns_per_type(scale)`` sets of the four organic look-alikes of a paid pool (see the module
    docstring), each a few hundred rows, written to hard_negatives.csv so tests can name them."""
    rows = NegativeRows()
    picker = OrganicPicker(rng, acc, posts, excluded)
    done = existing_engagements(log, acc)
    busy, quiet = busy_posts_and_quiet_accounts(log, acc, posts)
    for i in range(campaigns_per_type(scale)):
        plant_fan_community(rng, f"fan_community_{i + 1:03d}", picker, acc, posts, log, rows, done, busy, quiet)
        plant_newsroom(rng, f"newsroom_{i + 1:03d}", picker, acc, vocab, log, rows, quiet)
        plant_brand(rng, f"brand_{i + 1:03d}", picker, acc, vocab, log, rows)
        plant_hyperactive_human(rng, f"hyperactive_human_{i + 1:03d}", picker, acc, posts, log, rows, done)
    return rows


def busy_posts_and_quiet_accounts(log: EventLog, acc: Accounts, posts: PostIndex,
                                  busy_reposts: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Per account: whether one of its posts has ``busy_reposts`` reposts or more, and whether it reposted no such
    post. Fans and journalists are drawn among the quiet accounts and the celebrity among authors of no busy post,
    so the suite's checks on the reposters of viral posts keep testing viral reposting alone (co-action does
    flag a fan community's core and a newsroom's staff, as its docs say)."""
    reposts = np.zeros(log.size, dtype=np.int64)
    for b in log.blocks:
        np.add.at(reposts, b["tgt_post"][b["action"] == REPOST], 1)
    busy_row = reposts >= busy_reposts
    busy_author = np.zeros(acc.n, dtype=bool)
    busy_author[posts.author[busy_row[posts.row]]] = True
    quiet = np.ones(acc.n, dtype=bool)
    for b in log.blocks:
        on_busy = (b["action"] == REPOST) & (b["tgt_post"] >= 0)
        on_busy[on_busy] = busy_row[b["tgt_post"][on_busy]]
        quiet[b["actor"][on_busy]] = False
    return busy_author, quiet


def existing_engagements(log: EventLog, acc: Accounts) -> np.ndarray:
    """Sorted keys of every like and repost so far (a hard negative never repeats one)."""
    keys = [engagement_key(b["tgt_post"][m], b["action"][m], b["actor"][m], acc.n)
            for b in log.blocks for m in [(b["action"] == LIKE) | (b["action"] == REPOST)]]
    return np.unique(np.concatenate(keys + [np.array([-1], dtype=np.int64)]))


def add_engagements(log: EventLog, acc: Accounts, done: np.ndarray, actor, post_row, post_time, author,
                    action: int, delay_ms) -> None:
    """Likes or reposts that fall inside the window, skipping any this account already made of that post."""
    actor, post_row, author = (np.asarray(v, dtype=np.int64) for v in (actor, post_row, author))
    time = np.asarray(post_time, dtype=np.int64) + np.asarray(delay_ms, dtype=np.int64)
    key = engagement_key(post_row, action, actor, acc.n)
    at = np.minimum(np.searchsorted(done, key), len(done) - 1)
    keep = (time < WINDOW) & (done[at] != key) & (actor != author)
    _, first = np.unique(key, return_index=True)
    unique = np.zeros(len(key), dtype=bool)
    unique[first] = True
    keep &= unique
    log.add(time=time[keep], actor=actor[keep], action=action, tgt_acc=author[keep], tgt_post=post_row[keep])


def plant_fan_community(rng, set_id: str, picker: OrganicPicker, acc: Accounts, posts: PostIndex, log: EventLog,
                        rows: NegativeRows, done: np.ndarray, busy: np.ndarray, quiet: np.ndarray) -> None:
    """A celebrity and one or two bandmates; a core of fans reposts and likes their posts within seconds to a
    few minutes (notifications on, each reaction a human's: the lag varies from post to post), and a wider
    fandom engages over the following hours. One audience, so the amplified accounts are related."""
    idol = picker.pick(1, weight=acc.followers + 1.0, min_posts=6, allowed=~busy)
    bandmates = picker.pick(int(rng.integers(1, 3)), min_posts=3, allowed=~busy)
    fans = picker.pick(int(rng.integers(12, 21)), allowed=quiet)
    fandom = picker.pick(int(rng.integers(40, 61)))
    early = [p[posts.time[p] < WINDOW - DAY] for p in map(posts.by_author, [*idol, *bandmates])]
    own = np.concatenate([early[0][:14], *(p[:5] for p in early[1:])])
    for crowd, p_repost, p_like, lag_s, sigma in ((fans, 0.75, 0.5, 40, 1.1), (fandom, 0.08, 0.08, 1_800, 1.2)):
        ci, pi = (g.ravel() for g in np.meshgrid(np.arange(len(crowd)), own, indexing="ij"))
        for action, share in ((REPOST, p_repost), (LIKE, p_like)):
            go = rng.random(len(ci)) < share
            delay = np.maximum(2.0, rng.lognormal(np.log(lag_s), sigma, int(go.sum()))) * SECOND
            add_engagements(log, acc, done, crowd[ci[go]], posts.row[pi[go]], posts.time[pi[go]],
                            posts.author[pi[go]], action, delay)
    rows.add(set_id, "fan_community", idol, "idol")
    rows.add(set_id, "fan_community", bandmates, "idol")
    rows.add(set_id, "fan_community", fans, "fan")


def plant_newsroom(rng, set_id: str, picker: OrganicPicker, acc: Accounts, vocab: Vocabulary, log: EventLog,
                   rows: NegativeRows, quiet: np.ndarray) -> None:
    """Two or three accounts of one outlet publish links to its site; its journalists repost them within a
    minute or a few and post their own articles' links; one readership engages with all the outlet's accounts
    over the following hours."""
    outlets = picker.pick(int(rng.integers(2, 4)))
    journalists = picker.pick(int(rng.integers(5, 10)), allowed=quiet)
    readers = picker.pick(int(rng.integers(40, 61)))
    per_outlet = rng.integers(8, 15, len(outlets))
    author = np.repeat(outlets, per_outlet)
    n = len(author)
    post_time = diurnal_times(rng, acc.tz_ms[author]) % (WINDOW - DAY)
    t = vocab.organic_text(rng, acc.lang[author])
    article = rng.integers(1, 10_000_000, n)
    post_rows = log.add(time=post_time, actor=author, action=POST, t0=t[0], t1=t[1], t2=t[2], t3=t[3],
                        h0=vocab.hashtags.index("news"), url_domain=NEWS_DOMAIN, url_path=article)
    no_repeats = np.array([-1], dtype=np.int64)
    for crowd, share, lag_s, sigma, action in ((journalists, 0.5, 90, 1.0, REPOST), (readers, 0.06, 2_400, 1.2, REPOST),
                                               (readers, 0.08, 2_400, 1.2, LIKE)):
        ci, pi = (g.ravel() for g in np.meshgrid(np.arange(len(crowd)), np.arange(n), indexing="ij"))
        go = rng.random(len(ci)) < share
        delay = np.maximum(5.0, rng.lognormal(np.log(lag_s), sigma, int(go.sum()))) * SECOND
        add_engagements(log, acc, no_repeats, crowd[ci[go]], post_rows[pi[go]], post_time[pi[go]],
                        author[pi[go]], action, delay)
    # A third of the articles are also posted by the journalist who wrote them: the same link, their own words.
    byline = np.flatnonzero(rng.random(n) < 0.35)
    writer = rng.choice(journalists, len(byline))
    t = vocab.organic_text(rng, acc.lang[writer])
    own_time = post_time[byline] + (rng.uniform(1, 20, len(byline)) * MINUTE).astype(np.int64)
    log.add(time=own_time, actor=writer, action=POST, t0=t[0], t1=t[1], t2=t[2], t3=t[3],
            url_domain=NEWS_DOMAIN, url_path=article[byline])
    rows.add(set_id, "newsroom", outlets, "outlet")
    rows.add(set_id, "newsroom", journalists, "journalist")


def plant_brand(rng, set_id: str, picker: OrganicPicker, acc: Accounts, vocab: Vocabulary, log: EventLog,
                rows: NegativeRows) -> None:
    """A brand account whose scheduling tool publishes at the same two or three times every day, to within a
    few seconds: a machine's rhythm, but original posts that nobody is paid to push."""
    brand = picker.pick(1)
    slots = np.sort(rng.choice(np.arange(7 * 2, 21 * 2), int(rng.integers(2, 4)), replace=False)) * 30 * MINUTE
    time = (np.arange(WINDOW_DAYS)[:, None] * DAY + slots[None, :]).ravel()
    time = time + (rng.random(len(time)) * 4 * SECOND).astype(np.int64)
    n = len(time)
    t = vocab.organic_text(rng, np.full(n, acc.lang[brand[0]]))
    log.add(time=time, actor=brand[0], action=POST, t0=t[0], t1=t[1], t2=t[2], t3=t[3],
            h0=vocab.hashtags.index("fashion"), url_domain=SHOP_DOMAIN, url_path=rng.integers(1, 10_000_000, n))
    rows.add(set_id, "brand", brand, "brand")


def plant_hyperactive_human(rng, set_id: str, picker: OrganicPicker, acc: Accounts, posts: PostIndex,
                            log: EventLog, rows: NegativeRows, done: np.ndarray) -> None:
    """A person who reposts a lot: hundreds of posts by many authors, at any hour, some within seconds and
    most minutes to hours later (it scrolls, it does not watch a queue)."""
    human = picker.pick(1, weight=acc.weight)
    n = int(rng.integers(200, 301))
    chosen = rng.choice(len(posts.row), n, replace=False, p=np.sqrt(posts.engagement + 1.0) / np.sqrt(posts.engagement + 1.0).sum())
    delay = np.maximum(3.0, rng.lognormal(np.log(1_500), 1.6, n)) * SECOND
    add_engagements(log, acc, done, np.full(n, human[0]), posts.row[chosen], posts.time[chosen],
                    posts.author[chosen], REPOST, delay)
    rows.add(set_id, "hyperactive_human", human, "human")


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------
def timestamp_strings(ms_since_window: np.ndarray) -> pa.Array:
    """"2025-03-01T12:00:00.123Z". Arrow's cast prints "2025-03-01 12:00:00.123" for timestamp[ms] and is far
    faster than strftime, so patch the separator and add the zone."""
    text = pc.cast(pa.array(ms_since_window + WINDOW_START_MS, type=pa.timestamp("ms")), pa.string())
    return pc.binary_join_element_wise(pc.utf8_replace_slice(text, start=10, stop=11, replacement="T"), "Z", "")


def list_column(slots: list[np.ndarray], values: pa.Array) -> pa.ListArray:
    """list<string> from fixed slots of codes where -1 marks an empty (always trailing) slot."""
    codes = np.stack(slots, axis=1)
    filled = codes >= 0
    offsets = np.concatenate([[0], np.cumsum(filled.sum(axis=1))]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), values.take(pa.array(codes[filled])))


def json_array_strings(lists: pa.ListArray) -> pa.Array:
    """["a","b"] / [] text for CSV. Items come from controlled vocabularies with no quotes or backslashes."""
    joined = pc.binary_join_element_wise('["', pc.binary_join(lists, '","'), '"]', "")
    return pc.if_else(pc.equal(pc.list_value_length(lists), 0), "[]", joined)


def interactions_table(ev: dict[str, np.ndarray], lo: int, hi: int, acc: Accounts, vocab: Vocabulary,
                       strings: dict[str, pa.Array], width: int, json_lists: bool) -> pa.Table:
    sl = slice(lo, hi)
    n = hi - lo
    actor = ev["actor"][sl]
    tgt_acc, tgt_post = ev["tgt_acc"][sl], ev["tgt_post"][sl]
    join = pc.binary_join_element_wise

    def mention_prefix(slot: np.ndarray) -> pa.Array:
        handles = acc.handles.take(pa.array(slot, mask=slot < 0))
        return pc.fill_null(join("@", handles, " ", ""), "")

    m0, m1 = ev["m0"][sl], ev["m1"][sl]
    t0 = ev["t0"][sl]
    frag = [strings["fragments"].take(pa.array(ev[k][sl], mask=(t0 < 0) if k == "t0" else None))
            for k in ("t0", "t1", "t2", "t3")]
    text = join(mention_prefix(m0), mention_prefix(m1), *frag, "")     # null wherever t0 is null

    has_url = ev["url_domain"][sl] >= 0
    url_values = join("https://", strings["domains"].take(pa.array(ev["url_domain"][sl][has_url])),
                      "/p/", pc.cast(pa.array(ev["url_path"][sl][has_url]), pa.string()), "")
    urls = pa.ListArray.from_arrays(pa.array(np.concatenate([[0], np.cumsum(has_url)]).astype(np.int32)),
                                    url_values)
    hashtags = list_column([ev["h0"][sl], ev["h1"][sl], ev["h2"][sl]], strings["hashtags"])
    mentions = list_column([m0, m1], acc.ids)

    columns = {
        "platform": strings["platform"].take(pa.array(np.zeros(n, dtype=np.int8))),
        "event_id": id_strings("e", np.arange(lo, hi), width),
        "account_id": acc.ids.take(pa.array(actor)),
        "account_handle": acc.handles.take(pa.array(actor)),
        "action": strings["actions"].take(pa.array(ev["action"][sl])),
        "timestamp": timestamp_strings(ev["time"][sl]),
        "target_account_id": acc.ids.take(pa.array(tgt_acc, mask=tgt_acc < 0)),
        "target_post_id": id_strings("e", tgt_post, width, null_mask=tgt_post < 0),
        "text": text,
        "urls": json_array_strings(urls) if json_lists else urls,
        "hashtags": json_array_strings(hashtags) if json_lists else hashtags,
        "mentions": json_array_strings(mentions) if json_lists else mentions,
    }
    return pa.table(columns)


def write_interactions(ev: dict[str, np.ndarray], acc: Accounts, vocab: Vocabulary, path: Path, fmt: str) -> None:
    n = len(ev["time"])
    width = max(6, len(str(max(n - 1, 0))))
    strings = {"fragments": pa.array(vocab.fragments), "hashtags": pa.array(vocab.hashtags),
               "domains": pa.array(vocab.domains), "actions": pa.array(ACTIONS), "platform": pa.array([PLATFORM])}
    tables = built_in_order(lambda lo, hi: interactions_table(ev, lo, hi, acc, vocab, strings, width, fmt == "csv"), n)
    if fmt == "parquet":
        writer = None
        for table in tables:   # one row group per chunk
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression="zstd", compression_level=3,
                                          use_dictionary=True, write_statistics=True)
            writer.write_table(table, row_group_size=CHUNK_ROWS)
        writer.close()
    else:
        with open(path, "wb") as fh:
            for i, table in enumerate(tables):
                write_csv(table, fh, header=i == 0)


def built_in_order(build, n: int, workers: int = 1):
    """Yield build(lo, hi) for consecutive CHUNK_ROWS slices, building up to ``workers`` ahead in threads
    (Arrow kernels release the GIL) while the caller writes; results come back strictly in order, so the
    output bytes do not depend on thread timing."""
    bounds = [(lo, min(lo + CHUNK_ROWS, n)) for lo in range(0, max(n, 1), CHUNK_ROWS)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending = deque()
        for lo, hi in bounds:
            pending.append(pool.submit(build, lo, hi))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def write_csv(table: pa.Table, fh, header: bool = True) -> None:
    """RFC-4180 CSV, quoting only where needed, "\\n" line ends, empty cells for nulls."""
    pl.from_arrow(table).write_csv(fh, include_header=header, line_terminator="\n", quote_style="necessary")


def write_accounts(acc: Accounts, path: Path) -> None:
    order = pa.array(np.argsort(acc.number))               # rows in account-id order
    table = pa.table({
        "platform": pa.array([PLATFORM] * len(order), pa.string()),
        "account_id": acc.ids.take(order),
        "handle": acc.handles.take(order),
        "display_name": acc.display_names.take(order),
        "created_at": timestamp_strings(acc.created).take(order),
        "followers": pa.array(acc.followers).take(order),
        "following": pa.array(acc.following).take(order),
    })
    with open(path, "wb") as fh:
        write_csv(table, fh)


def write_ground_truth(truth: TruthRows, acc: Accounts, path: Path) -> None:
    account = np.array(truth.account, dtype=np.int64)
    table = pa.table({
        "campaign_id": pa.array(truth.campaign_id, pa.string()),
        "campaign_type": pa.array(truth.campaign_type, pa.string()),
        "account_id": acc.ids.take(pa.array(account)),
        "role": pa.array(truth.role, pa.string()),
    })
    role_rank = pc.index_in(table["role"], value_set=pa.array(["target", "client", "member"]))
    table = table.append_column("_r", role_rank).sort_by([("campaign_id", "ascending"), ("_r", "ascending"),
                                                          ("account_id", "ascending")]).drop_columns(["_r"])
    with open(path, "wb") as fh:
        write_csv(table, fh)


def plant_viral_moments(rng, plans: list[CampaignPlan], acc: Accounts, vocab: Vocabulary, log: EventLog,
                        rows: NegativeRows, excluded: np.ndarray) -> None:
    """An organic viral moment for every pile-on's victim in the same week as the pile-on: a new post of hers,
    1 to 3 days before or after the first burst, that 250-500 organic strangers (drawn by activity, never a
    campaign's account nor one of the other hard negatives) engage with in a self-exciting cascade, a third of them replying or quoting with
    ordinary text. A burst of inbound replies that is no pile-on: the burst detector's hard negative."""
    free = acc.organic.copy()
    free[np.asarray(excluded, dtype=np.int64)] = False
    log_weight = np.where(free, np.log(acc.weight), -np.inf)
    for plan in plans:
        if plan.campaign_type != "pile_on" or "target" not in plan.params:
            continue
        author, starts = plan.params["target"], plan.params["burst_starts"]
        offset = int(rng.uniform(1, 3) * DAY) * (1 if rng.random() < 0.5 else -1)
        when = starts[0] + offset
        if when < 0 or when > PILE_ON_LAST_POST or min(abs(when - s) for s in starts) < DAY // 2:
            when = starts[0] - offset
        when = int(np.clip(when, 0, PILE_ON_LAST_POST))
        t = vocab.organic_text(rng, acc.lang[[author]])
        post_row = log.add(time=[when], actor=[author], action=POST, t0=t[0], t1=t[1], t2=t[2], t3=t[3])[0]
        lw = log_weight.copy()
        lw[author] = -np.inf
        engagers = sample_without_replacement(rng, lw, int(rng.integers(250, 501)))
        k = len(engagers)
        # a random recursive cascade, biased to early nodes, each a lognormal delay after its parent
        parent = np.concatenate([[0], np.floor(rng.random(k) ** 1.6 * np.arange(1, k + 1)).astype(np.int64)])
        delay = np.concatenate([[0], (SECOND + rng.uniform(180, 600) * SECOND * rng.lognormal(0.0, 1.2, k)).astype(np.int64)])
        time = when + sum_delays_to_root(parent, delay)[1:]
        action = np.array([REPLY, QUOTE, REPOST, LIKE], dtype=np.int8)[pick_from_shares(rng, (0.25, 0.08, 0.37, 0.30), k)]
        keep = time < WINDOW
        engagers, time, action = engagers[keep], time[keep], action[keep]
        texted = (action == REPLY) | (action == QUOTE)
        t = vocab.organic_text(rng, acc.lang[engagers])
        tags = vocab.organic_hashtags(rng, len(engagers), (0.75, 0.25))[0]
        log.add(time=time, actor=engagers, action=action, tgt_acc=author, tgt_post=post_row,
                t0=np.where(texted, t[0], -1), t1=np.where(texted, t[1], 0), t2=np.where(texted, t[2], 0),
                t3=np.where(texted, t[3], 0), h0=np.where(action == QUOTE, tags, -1), m0=np.where(action == REPLY, author, -1))
        set_id = f"viral_moment_{plan.campaign_id.rsplit('_', 1)[-1]}"
        rows.add(set_id, "viral_moment", [author], "author")
        rows.add(set_id, "viral_moment", np.unique(engagers[texted]), "engager")


def write_hard_negatives(rows: NegativeRows, acc: Accounts, path: Path) -> None:
    table = pa.table({
        "set_id": pa.array(rows.set_id, pa.string()),
        "kind": pa.array(rows.kind, pa.string()),
        "account_id": acc.ids.take(pa.array(np.array(rows.account, dtype=np.int64))),
        "role": pa.array(rows.role, pa.string()),
    })
    with open(path, "wb") as fh:
        write_csv(table.sort_by([("set_id", "ascending"), ("role", "ascending"), ("account_id", "ascending")]), fh)


# --------------------------------------------------------------------------------------------------
# Report waves beside the mass_report campaigns: a repost ring that also mass-reports its victim, and an
# organic report surge against a real spammer (the mass-reporting detector's hard negative)
# --------------------------------------------------------------------------------------------------
SPAM_TEXTS = ("FREE crypto giveaway!! send 0.1 get 1 back, claim now", "get 10k followers TODAY, cheap, link below",
              "you WON an iPhone, claim your prize here", "designer bags 90% off, limited stock", "earn $500/day from home, DM me",
              "hot singles in your area, click", "airdrop live now, connect your wallet")
SURGE_REASONS = ("spam", "scam", "other", "misinformation", "impersonation", "harassment", "this is a bot", "phishing link",
                 "fake giveaway", "Spam")
SURGE_REASON_SHARE = (0.3, 0.22, 0.1, 0.07, 0.06, 0.05, 0.06, 0.05, 0.05, 0.04)


def plant_ring_reports(rng, plans: list[CampaignPlan], vocab: Vocabulary, posts: PostIndex, log: EventLog) -> None:
    """Brigade members who are also in a repost ring: each member of a repost ring, with probability 0.8, reports
    the ring's victim once in a 30-90 minute wave inside the ring's active span (from a day after its first attack
    post), all for one reason (three quarters verbatim, the rest a near-same variant); about 40 % of them also
    report one of her posts published before the wave. Ground truth lists them as the ring's members."""
    for plan in plans:
        if plan.campaign_type != "repost_ring":
            continue
        target, (first, last) = plan.params["target"], plan.params["span"]
        start = rng.uniform(min(first + DAY, last), last)
        length = rng.uniform(30, 90) * MINUTE
        members = plan.members[rng.random(len(plan.members)) < 0.8]
        own = posts.by_author(target)
        reportable = own[posts.time[own] < start]
        extra = members[rng.random(len(members)) < 0.4] if len(reportable) else members[:0]
        actor = np.concatenate([members, extra])
        post = np.concatenate([np.full(len(members), -1), posts.row[rng.choice(reportable, len(extra))] if len(extra) else []])
        reason = str(rng.choice(list(CAMPAIGN_REASON_SHARE), p=list(CAMPAIGN_REASON_SHARE.values())))
        codes = np.where(rng.random(len(actor)) < 0.75, vocab.reason_code[reason], rng.choice(vocab.reason_variant_codes[reason], len(actor)))
        log.add(time=(start + length * rng.beta(1.3, 2.2, len(actor))).astype(np.int64), actor=actor, action=REPORT, tgt_acc=target,
                tgt_post=post.astype(np.int64), t0=codes)


def plant_report_surges(rng, scale: int, acc: Accounts, vocab: Vocabulary, log: EventLog, rows: NegativeRows,
                        excluded: np.ndarray) -> None:
    """An organic report surge against a real spammer, ``campaigns_per_type(scale)`` times: an organic account (no
    campaign's, no other hard negative's) posts 20-40 spam posts (``SPAM_TEXTS``, each with a link to
    shop.example.com) over 2-4 days; 40-70 established organic accounts (registered at least a year before the
    window, drawn by activity, unconnected to it and to each other) each see one spam post and report it 5
    minutes to a day later (lognormal, median 90 minutes) - the post itself six times in ten, else the account -
    and a fifth of them report the account again hours later, for varied reasons (``SURGE_REASONS``: spam, scam,
    a bot, phishing, ...). hard_negatives.csv kind ``report_surge``, roles ``spammer`` and ``reporter``."""
    free = acc.organic.copy()
    free[np.asarray(excluded, dtype=np.int64)] = False
    established = free & (acc.created <= -YEAR)
    reasons = np.array([vocab.reason_code.get(r) or vocab._add_fragment(r) for r in SURGE_REASONS], dtype=np.int16)
    spam = np.array([vocab._add_fragment(t) for t in SPAM_TEXTS], dtype=np.int16)
    for i in range(campaigns_per_type(scale)):
        spammer = int(sample_without_replacement(rng, np.where(free & (acc.followers < 2_000), 0.0, -np.inf), 1)[0])
        free[spammer] = established[spammer] = False
        start = int(rng.uniform(2 * DAY, WINDOW - 6 * DAY))
        n_posts = int(rng.integers(20, 41))
        post_time = np.sort(start + (rng.random(n_posts) * rng.uniform(2, 4) * DAY).astype(np.int64))
        post_rows = log.add(time=post_time, actor=np.full(n_posts, spammer), action=POST, t0=rng.choice(spam, n_posts),
                            url_domain=DOMAINS.index("shop.example.com"), url_path=rng.integers(1, 10**6, n_posts))
        reporters = sample_without_replacement(rng, np.where(established, 0.5 * np.log(acc.weight), -np.inf), int(rng.integers(40, 71)))
        free[reporters] = established[reporters] = False
        seen = rng.integers(0, n_posts, len(reporters))
        time = post_time[seen] + np.clip(rng.lognormal(np.log(90 * MINUTE), 1.0, len(reporters)), 5 * MINUTE, DAY).astype(np.int64)
        on_post = rng.random(len(reporters)) < 0.6
        again = rng.random(len(reporters)) < 0.2
        actor = np.concatenate([reporters, reporters[again]])
        time = np.concatenate([time, time[again] + rng.uniform(2, 12, int(again.sum())).astype(np.int64) * HOUR])
        tgt_post = np.concatenate([np.where(on_post, post_rows[seen], -1), np.full(int(again.sum()), -1)])
        keep = time < WINDOW
        log.add(time=time[keep], actor=actor[keep], action=REPORT, tgt_acc=spammer, tgt_post=tgt_post[keep],
                t0=reasons[pick_from_shares(rng, SURGE_REASON_SHARE, len(actor))][keep])
        set_id = f"report_surge_{i + 1:03d}"
        rows.add(set_id, "report_surge", [spammer], "spammer")
        rows.add(set_id, "report_surge", np.unique(actor[keep]), "reporter")
