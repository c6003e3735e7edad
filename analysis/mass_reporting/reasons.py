"""Report reasons as categories, so that near-same wordings count as one reason.

``reason_category(text)`` reads a reason as typed or picked ("Harassment", "targeted harassment",
"harassment!!", "hate_speech", "Hate speech", "حساب مزيف") and returns its category: the first category in
``CATEGORIES`` (a fixed order: "spam/scam" is spam) one of whose stems occurs in the text after NFKC,
case folding and turning everything but letters and digits into spaces; the cleaned text itself when no stem
occurs ("other", "i do not like it"); ``(none)`` for an empty reason. Stems cover the languages of the
generated platform and the common report languages (en, es, pt, fr, de, it, ru, uk, ar, fa, hi, tr, zh, ja).
A stem in Latin or Cyrillic script matches at the start of a word ("harassing", "harcèlement"; not the
"hate" inside "whatever"); one in another script anywhere (Arabic joins articles and prefixes to the word,
Chinese and Japanese do not separate words).

>>> [reason_category(r) for r in ["Harassment", "targeted harassment", "harassment!!", "harassment/bullying"]]
['harassment', 'harassment', 'harassment', 'harassment']
>>> reason_category("whatever"), reason_category("Hass")
('whatever', 'hass')
>>> [reason_category(r) for r in ["spam/scam", "Hate_speech", "fake account impersonation", "حساب مزيف", "other", "", None]]
['spam', 'hate_speech', 'impersonation', 'impersonation', 'other', '(none)', '(none)']
"""

from __future__ import annotations

import re
import unicodedata

NONE = "(none)"
CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("spam", ("spam", "correo basura", "indésirable", "спам", "بريد عشوائي", "स्पैम")),
    ("scam", ("scam", "fraud", "estafa", "golpe", "arnaque", "escroquer", "betrug", "truffa", "мошен", "шахрай", "احتيال",
              "کلاهبرداری", "धोखा", "dolandırıc", "诈骗", "詐欺")),
    ("self_harm", ("self harm", "selfharm", "self injur", "suicid", "autolesi", "automutil", "selbstverletz", "суицид", "انتحار",
                   "آسیب به خود", "आत्महत्या")),
    ("child_safety", ("child", "csam", "menor de edad", "enfant", "mineur", "kindesm", "minderj", "ребен", "ребён", "طفل", "بچه", "बच्च")),
    ("violence", ("violen", "threat", "amenaza", "ameaça", "menace", "drohung", "gewalt", "minacc", "угроз", "насили", "погроз",
                  "تهديد", "عنف", "تهدید", "خشونت", "धमकी", "हिंसा", "tehdit", "şiddet", "威胁", "暴力", "脅迫")),
    ("hate_speech", ("hate", "hateful", "odio", "ódio", "haine", "hassrede", "hasskrim", "hetze", "ненавист", "мова ворожнеч", "كراهية",
                     "نفرت", "नफरत", "घृणा", "nefret", "仇恨", "ヘイト")),
    ("harassment", ("harass", "bully", "abuse", "abusive", "acoso", "assédio", "harcèle", "harcele", "belästig", "mobbing", "molest",
                    "травл", "домогат", "оскорб", "цькуван", "مضايق", "تحرش", "إساءة", "آزار", "उत्पीड़न", "परेशान", "taciz",
                    "骚扰", "嫌がらせ")),
    ("impersonation", ("imperson", "fake account", "fake profile", "suplant", "falsa identidad", "perfil falso", "usurp", "faux compte",
                       "identitätsdieb", "falsches konto", "furto d'identità", "выдает себя", "выдаёт себя", "фейковый аккаунт",
                       "фейковый профиль", "حساب مزيف", "انتحال", "جعل هویت", "फर्जी खाता", "sahte hesap", "冒充", "なりすまし")),
    ("misinformation", ("misinfo", "disinfo", "misleading", "false info", "fake news", "desinform", "noticia falsa", "fausse",
                        "infox", "falschinfo", "falschmeld", "дезинформ", "фейк", "معلومات مضللة", "أخبار كاذبة", "اطلاعات نادرست",
                        "गलत सूचना", "भ्रामक", "yanlış bilgi", "虚假信息", "デマ")),
    ("nudity", ("nud", "nsfw", "porn", "sexual", "sexu", "desnud", "nackt", "обнажен", "порно", "إباحي", "عري", "برهنه", "अश्लील",
                "müstehcen", "色情")),
    ("privacy", ("doxx", "dox ", "private info", "personal info", "privacy", "datos personales", "données personnelles",
                 "personenbezogen", "личные данные", "معلومات شخصية", "اطلاعات شخصی", "निजी जानकारी")),
    ("copyright", ("copyright", "dmca", "intellectual property", "derechos de autor", "droit d'auteur", "urheberrecht",
                   "авторск", "حقوق الطبع", "कॉपीराइट")),
)
_NOT_WORD = re.compile(r"[^\w']+|_+")


def clean(text: str | None) -> str:
    """NFKC, case-folded, runs of anything but letters, digits and apostrophes turned into one space."""
    if not text:
        return ""
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def reason_category(text: str | None) -> str:
    """The category of a report reason (see the module docstring)."""
    cleaned = clean(text)
    if not cleaned:
        return NONE
    padded = f" {cleaned} "
    for category, stems in CATEGORIES:
        if any((" " + stem if _word_script(stem) else stem) in padded for stem in stems):
            return category
    return cleaned[:80]


def _word_script(stem: str) -> bool:
    """Whether a stem is written in Latin or Cyrillic letters (matched at the start of a word)."""
    return unicodedata.name(stem[0], "").startswith(("LATIN", "CYRILLIC"))
