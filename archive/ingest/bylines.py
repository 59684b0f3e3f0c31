"""Author names in raw text: bylines ("By X", "Von X", "Par X"), bare name lines and bio boxes.

Pages are copied from blogs and newspapers in many languages, so a byline is read as a
label, then names, then whatever metadata the page put after them (a date, a reading time,
a comment count), which is cut off. Desks, wires and generic accounts are never people.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .keys import normalize_name

_PARTICLE_WORDS = """
    de da das do dos du des del della delle dei der den dem di van von vom zu ter ten op
    le la les lo y al el bin ibn ben bint abu st. mac
"""
_PARTICLES = frozenset(_PARTICLE_WORDS.split())
# Words that make a capitalised line a heading, a menu entry, a job title, an organisation or
# a greeting ("Hallo Karl" opens a comment), not a person. Generic vocabulary only: German
# capitalises its nouns, so a two-word German heading otherwise looks like a name.
_NOT_NAME_TEXT = """
    fellow associate senior research researcher editor editors correspondent reporter writer
    staff director professor analyst contributor columnist chief deputy head manager president
    program programme institute university news edition home menu search steps note notes
    update updates contents introduction conclusion summary abstract references comments
    share related article articles opinion commentary analysis politics world business sport
    sports technology science video photo photos live latest more about contact subscribe
    freelancer a an the of and for in on to with what why how when where who is are was
    my our your all new free join login logout sign register account sections section detail
    details recent activities activity hub blog blogs magazine magazin online digital guide
    policy future awards award partner partners navigation page pages next
    previous events event shop store team group press media services service company
    gmbh ag kg e.v. ev ltd inc llc corp co. verlag
    redaktion redakteur redakteurin autor autorin autoren journalist journalistin
    korrespondent korrespondentin kolumnist kolumnistin mitarbeiter mitarbeiterin leiter
    leiterin chefredakteur chefredakteurin sprecher sprecherin fotograf fotografin
    startseite kontakt impressum datenschutz suche erweiterte anmelden registrieren abmelden
    konto mein meine unsere unser alle ausgabe aktuelle aktuell neue neu beiträge beitrag
    artikel ausgewählte inhalt inhalte zum zur menü nachrichten rubriken rubrik kategorie
    kategorien themen thema abo kommentare kommentar weiterlesen teilen drucken archiv
    übersicht hilfe service kostenlose kostenlos beratung mehr weitere top und oder mit
    für über bei aus nach im am vom das die der des ein eine einer
    accueil recherche rubriques actualités actualité contactez mentions légales connexion
    inicio buscar búsqueda contacto noticias portada cultura datos sección
    notizie cerca contatti chi siamo
    zoeken nieuws
    tweets twitter facebook instagram linkedin youtube pinterest tiktok podcast newsletter
    derniers dernières marketing
    große großen kleine erste letzte beste wichtige
    neuerer neuere älterer ältere newer older moderator forum published
    hallo hello hi hey dear liebe lieber servus moin salut bonjour hola ciao
"""
_NOT_NAME_WORDS = frozenset(_NOT_NAME_TEXT.split())
# Endings of German and Romance abstract nouns and adjectives, never of a person's name.
_NOT_NAME_ENDING_TEXT = """
    heit keit schaft ungen ismus ität tionen ation ción zione ische ischen liche lichen bare
    baren logie ierung ellung ildung ührung ahrung ichtung ordnung magazin zeitung verlag portal
    inhalt
"""
_NOT_NAME_ENDINGS = tuple(_NOT_NAME_ENDING_TEXT.split())
# Desks, wires, agencies and generic accounts: a byline naming only these names nobody
# (in raw text and in an HTML page's metadata alike).
_DESK_TEXT = """
    staff redaktion redaktionen redaktionsteam onlineredaktion online-redaktion red. red
    editorial editors editor desk newsdesk news-desk wire wires agency agencies agencia agence
    agenturen agentur agenzia dpa afp ap reuters apa sda kna epd sid efe ansa anp ntb tt
    associated press presse prensa stampa newsroom team admin administrator webmaster
    gastautor gastautorin gast guest anonymous anonym unknown unbekannt rédaction redacción
    redazione redactie redakcja submitted sponsored
    redacción redaccion wordpressadmin administrador anonyme publisher verfasser gastbeitrag
    ots ddp
"""
DESK_WORDS = frozenset(_DESK_TEXT.split())

_MONTHS = """
    jan januar january janvier enero gennaio januari janeiro jänner feb februar february février
    febrero febbraio februari fevereiro mär märz mar march mars marzo maart março apr april
    avril abril aprile mai may mayo maggio mei maio jun juni june juin junio giugno junho jul
    juli july juillet julio luglio julho aug august août agosto augustus sep sept september
    septembre septiembre settembre setembro okt oct oktober october octobre octubre ottobre
    outubro nov november novembre noviembre novembro dez dec dezember december décembre
    diciembre dicembre dezembro
"""
_WEEKDAYS = """
    mo di mi do fr sa so mon tue wed thu fri sat sun montag dienstag mittwoch donnerstag
    freitag samstag sonntag monday tuesday wednesday thursday friday saturday sunday lundi
    mardi mercredi jeudi vendredi samedi dimanche lunes martes miércoles jueves viernes
    sábado domingo
"""
_CALENDAR_WORDS = frozenset(_MONTHS.split()) | frozenset(_WEEKDAYS.split())
_CLOCK_TEXT = "um at @ uhr h am on le el il den de | · • ∙ / ~ – — -"
_DATE_WORDS = _CALENDAR_WORDS | frozenset(_CLOCK_TEXT.split())

# Labels that introduce a byline, longest first so "Written by" wins over "by". Nouns
# ("Text", "Author") need their colon: "Text Messaging Tips" is a heading.
_LABEL_TEXT = """
    written by|posted by|published by|words by|text by|story by|reported by|article by|
    authored by|ein gastbeitrag von|ein beitrag von|ein artikel von|ein text von|verfasst von|
    geschrieben von|veröffentlicht von|eingestellt von|erstellt von|beitrag von|artikel von|
    text von|von|publié par|écrit par|rédigé par|par|escrito por|publicado por|redactado por|
    por|scritto da|pubblicato da|di|geschreven door|door|skrevet af|skrevet av|skriven av|av|af|
    przez|autor|by
"""
_COLON_LABEL_TEXT = """
    author(s)|authors|author|reporter|writer|words|autorinnen|autorin|autoren|text|auteur|
    texte|texto|autore|testo|tekst
"""
_LABELS = tuple(label.strip() for label in _LABEL_TEXT.split("|"))
_COLON_LABELS = tuple(label.strip() for label in _COLON_LABEL_TEXT.split("|"))
# One-word labels are also ordinary words ("by", "von", "door"), so an unsupported capitalised
# word after them ("Von Menschen", "Door Knobs") is not taken for a pseudonym.
_WEAK_LABELS = frozenset({"by", "von", "par", "por", "di", "door", "av", "af", "przez", "autor"})
_BYLINE_RE = re.compile(
    rf"(?:(?P<label>{'|'.join(re.escape(label) for label in _LABELS)})"
    r"(?:\s*:\s*|\s+|(?<=von)(?-i:(?=[A-ZÄÖÜ])))"
    rf"|(?P<noun>{'|'.join(re.escape(label) for label in _COLON_LABELS)})\s*:\s*)"
    r"(?P<names>\S.*)",
    re.IGNORECASE,
)
# Every word of every label, so a line without one is refused at once.
_LABEL_WORDS = frozenset(" ".join(_LABELS + _COLON_LABELS).replace("(s)", "").split())
_WORD_RE = re.compile(r"[^\W\d_]+")
_SEGMENT_RE = re.compile(r"(?:[|·•∙~]|//|(?<=\s)[/–—-](?=\s))\s*")
_NUMBER_RE = re.compile(r"\d[\d.,:/-]*(?:h|uhr|am|pm)?", re.IGNORECASE)
_HEAD_LABEL_WORDS = 3
_BY_AFTER_DATE_RE = re.compile(
    r"(?:^|\s)(?:[|·•∙/~,–—-]\s*)?(?:von|vom|by|par|por|di|door|av|af|przez)(?:\s*:\s*|\s+)(?=\S)",
    re.IGNORECASE,
)
# Where the names end and the line's metadata starts.
_TAIL_RE = re.compile(
    r"(?=[\s|·•∙~(\[/–—\d])(?:\s*(?:[|·•∙~(\[]|//|/|\s[-–—]\s|[–—])"
    r"|\s*[,\s]\s*(?:(?:am|um|on|at|le|el|il|op|vom|den|dnia|à|às|kl\.?)\s+)?(?=\d)"
    r"|(?<=[^\W\d_])(?=\d{1,2}\.\s?(?:\d|[^\W\d_]{3}))"
    r"|\s+\S+@\S+"
    r"|\s+@\w"
    r"|\s+[^\W\d_][\w-]*:\s+(?=\S)"
    r"|\s+(?:fotos?|photos?|bilder?|illustrations?|illustrationen|grafiken?|images?|videos?)\b"
    r"|\s+(?:(?:ein|eine|einen|keine|no|leave an?|schreibe einen|hinterlasse einen)\s+)?"
    r"(?:kommentare?n?|comments?|antworten|responses?|réactions?)\b)",
    re.IGNORECASE,
)
# "on March 3", "am Dienstag": a preposition before a month or weekday starts the tail too.
_CALENDAR_TAIL_RE = re.compile(r"\s+(?:am|on|le|el|il|op|vom|den)\s+([^\W\d_]+)", re.IGNORECASE)
_NAME_SPLIT_RE = re.compile(r"\s*(?:,|;|&|\+|\b(?i:and|und|et|en|og|och|oraz|ve)\b|\s(?:y|e|i)\s)\s*")
_NAME_TOKEN_RE = re.compile(
    r"(?:[^\W\d_][.]){1,3}"
    r"|(?:(?:al|el|ad|ash|as|an|ar|az|at|bin|ibn|d|l|o|mc|mac)['’-])?"
    r"[^\W\d_][^\W\d_'’.-]*(?:['’-][^\W\d_]+)*\.?"
    r"|(?:[^\W\d_][.])+[^\W\d_]{2,}",
)
_HANDLE_RE = re.compile(r"[^\W_][\w.-]{1,29}")
_TITLE_RE = re.compile(
    r"^(?:(?:prof|dr|dipl|mag|ing|univ|med|phil|rer|nat|habil)\.(?:-ing\.)?\s*)+", re.IGNORECASE
)
# Lowercase words that follow "by" or "von" in prose ("by far", "von heute"), not handles.
_STOP_TEXT = """
    default far hand now then all any me him her us them you it itself himself herself mir mich
    ihm ihr ihnen uns euch dir dich sich heute morgen gestern hier dort oben unten außen innen
    vorne hinten neuem neuen allen selbst anfang weitem nah nahem exemple ejemplo favor moi
    nous vous lui eux ella ellos mí ti più meno hem haar ons mij jou middel design email mail
    phone post far-off night day
"""
_STOP_WORDS = frozenset(_STOP_TEXT.split()) | _NOT_NAME_WORDS
_BIO_RE = re.compile(
    r"\*?\s*(?P<name>[^\W\d_][\w.'’ -]{2,60}?)\s+(?:is|was|has been|serves as)\s+(?P<rest>.+)",
)
_BIO_FILLER_RE = re.compile(r"^(?:(?:currently|now|also|a|an|the)\s+)+", re.IGNORECASE)
_LAST_INITIAL_RE = re.compile(r"(?:^|[\s.])[^\W\d_]\.$")
_EDGE_JUNK = " \t*†‡,.;:|–—-"
_MAX_LINE = 200
_MAX_ROLE_WORDS = 6
_MAX_TAIL_PROSE = 3
_MAX_BYLINE_WORDS = 15
_SEPARATOR_CHARS = frozenset("|·•∙~/([–—-")


@lru_cache(maxsize=8192)  # names are checked again wherever a line may be a byline
def clean_name(text: str) -> str:
    """A name without footnote marks, academic titles or trailing punctuation.

    "Mara Lindqvist*" -> "Mara Lindqvist", "Dr. Max Muster" -> "Max Muster";
    a title is kept when nothing but one word would remain ("Dr. Muster").
    """
    name = " ".join(text.strip(_EDGE_JUNK).split())
    if _LAST_INITIAL_RE.search(text.rstrip(_EDGE_JUNK.replace(".", ""))):
        name += "."  # "R. R." keeps the dot of its last initial
    bare = _TITLE_RE.sub("", name)
    return bare if bare != name and len(bare.split()) >= 2 else name


@lru_cache(maxsize=8192)
def is_name(text: str) -> bool:
    """True for a line shaped like a person's name: 2-5 capitalised words, nothing else.

    Particles ("von", "de", "al-") and initials ("J. R. R.") may stand between the words;
    heading, menu and job-title vocabulary makes the line something other than a name.
    """
    text = clean_name(text)
    tokens = text.split()
    if not 2 <= len(tokens) <= 5 or len(text) > 60:
        return False
    if text.isupper() and not all(len(token.rstrip(".")) == 1 for token in tokens):
        return False  # all-caps lines are section labels ("READ MORE", "TOP STORIES")
    if _abbreviations(tokens) > 1:
        return False  # "FB TW Mail", "D F": a row of buttons, not initials
    capitalised = 0
    for token in tokens:
        lower = token.lower()
        if lower in _PARTICLES:
            continue
        if not _NAME_TOKEN_RE.fullmatch(token) or not _capital_after_particle(token):
            return False
        word = lower.strip(".")
        if word in _NOT_NAME_WORDS or word in DESK_WORDS or word.endswith(_NOT_NAME_ENDINGS):
            return False
        capitalised += 2 if "." in token[1:-1] and not token.endswith(".") else 1
    return capitalised >= 2


def _abbreviations(tokens: list[str]) -> int:
    """Tokens that are bare letters or short all-caps words ("D", "FB"), not dotted initials."""
    return sum(1 for token in tokens if len(token) <= 3 and token.isalpha() and token.isupper())


def parse_byline(line: str) -> tuple[list[str], dict[str, str]] | None:
    """Names and roles from a labelled byline, else None.

    Reads "By Jane Doe and John Roe*", "Von Max Muster, dpa" (the desk is dropped),
    "Par Jean Dupont | 3 mars 2019", "Veröffentlicht am 4. Mai 2018 von jdoe" and a
    byline between separators ("Home | By Jane Doe | 3 min read"). A line naming only
    desks or wires gives None.
    """
    found = _parse_byline(line)
    return (list(found[0]), dict(found[1])) if found else None


@lru_cache(maxsize=8192)
def _parse_byline(line: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]] | None:
    """parse_byline's answer in a form that can be cached and shared: tuples."""
    found = _read_byline(line)
    return (tuple(found[0]), tuple(found[1].items())) if found else None


def _read_byline(line: str) -> tuple[list[str], dict[str, str]] | None:
    line = line.strip()
    if len(line) > _MAX_LINE or _is_sentence(line):
        return None
    lower = line.lower()
    if "von" not in lower and _LABEL_WORDS.isdisjoint(_WORD_RE.findall(lower)):
        return None
    match = _BYLINE_RE.match(line)
    if match:
        found = _read_names(match.group("names"), _is_strong(match))
        if found:
            return found
    found = _after_date_head(line)
    if found:
        return found
    for separator in _SEGMENT_RE.finditer(line):
        match = _BYLINE_RE.match(line, separator.end())
        if match:
            found = _read_names(match.group("names"), _is_strong(match))
            if found:
                return found
    return None


def is_desk_byline(line: str) -> bool:
    """True for a byline that names a desk or a wire and no person ("By Staff Writer", "Von
    Redaktion", "Par AFP"): page furniture, and no author."""
    match = _BYLINE_RE.fullmatch(line.strip())
    if not match or parse_byline(line):
        return False
    words = [w.lower() for w in _WORD_RE.findall(match.group("names"))]
    return 0 < len(words) <= 4 and any(w in DESK_WORDS for w in words)


def byline_names(line: str) -> list[str]:
    """The people a byline-ish line names, ignoring its date and other metadata.

    Beside labelled bylines this reads unlabelled ones whose name is set off by a date or
    a reading time: "Jane Doe · 3 min read", "Jane Roe, 14.02.2022 09:41 Uhr",
    "September 17, 2019 Jane Doe". Without such a tail a bare name is left to `is_name`.
    """
    found = parse_byline(line)
    if found:
        return found[0]
    line = line.strip()
    if len(line) > _MAX_LINE or not any(c.isdigit() for c in line):
        return []
    rest = _skip_date_head(line)
    if rest is None and not _starts_with_name(line):
        return []
    text = rest if rest is not None else line
    tail = _tail_start(text)
    if tail == 0:
        return []
    if rest is None and not (tail and any(c.isdigit() for c in text[tail:])):
        return []
    head = text[:tail]
    head = head.title() if head.isupper() else head
    names = [clean_name(part) for part in _NAME_SPLIT_RE.split(head)]
    names = [name for name in names if name and not _is_desk(name)]
    return names if names and all(is_name(name) for name in names) else []


def _is_sentence(line: str) -> bool:
    """True for a long line ending like a sentence: prose, never a byline."""
    return line.endswith((".", "!", "?")) and line.count(" ") >= _MAX_BYLINE_WORDS


def _starts_with_name(line: str) -> bool:
    """True when the words before the line's first digit or separator could be a name."""
    for word in line.split()[:_MAX_BYLINE_WORDS]:
        if word[0].isdigit() or word[0] in _SEPARATOR_CHARS:
            return True
        if not word[0].isupper() and word.lower() not in _PARTICLES:
            return False
    return True


def _read_names(text: str, strong: bool) -> tuple[list[str], dict[str, str]] | None:
    """Names and roles from the text after a byline label, up to the line's metadata.

    A single-word pseudonym ("von Leseratte", "by jdoe") counts when it is the only
    author and the label is unambiguous or metadata follows it; a capitalised word alone
    after "by" or "von" is too often a heading ("Von Menschen").
    """
    tail = _tail_start(text)
    if tail < len(text) and not _is_metadata(text[tail:]):
        return None  # "By early 2010 the town had ...": a sentence, not a byline
    head = text[:tail]
    supported = strong or tail < len(text)
    head = head.title() if head.isupper() else head  # "BY JANE ROE"
    parts = [clean_name(part) for part in _NAME_SPLIT_RE.split(head)]
    parts = [part for part in parts if part]
    names: list[str] = []
    roles: dict[str, str] = {}
    desks = 0
    for part in parts:
        if _is_desk(part):
            desks += 1
        elif is_name(part) or (len(parts) == 1 and _is_pseudonym(part, supported)):
            names.append(part)
        elif names and len(part.split()) <= _MAX_ROLE_WORDS and not _is_desk_phrase(part):
            roles.setdefault(names[-1], part)  # "By Jane Doe, Senior Fellow"
        elif not (names and _is_desk_phrase(part)):
            return None
    if not names:
        return None
    return names, roles


def _is_strong(match: re.Match[str]) -> bool:
    """True when a byline's label cannot open a heading.

    A phrase ("Written by") or a noun with its colon ("Autor:") is unambiguous, and so is a
    one-word label in lower case ("von Leseratte"); "Von Menschen" may be a headline.
    """
    label = match.group("label")
    return label is None or label.lower() not in _WEAK_LABELS or label.islower()


def _is_metadata(tail: str) -> bool:
    """True for what follows the names on a byline: a separator, a date, a short label.

    Prose goes on in lower-case words; a byline's tail holds few besides dates and labels.
    """
    tail = tail.strip()
    if tail[:1] in _SEPARATOR_CHARS:
        return True
    words = [word.strip(",.;:()") for word in tail.split()]
    prose = sum(1 for word in words if word.isalpha() and word.islower() and not _is_date_token(word))
    return prose <= _MAX_TAIL_PROSE


def _after_date_head(line: str) -> tuple[list[str], dict[str, str]] | None:
    """A byline after a date: "Publiziert am 21. März 2016 von jroe", "4.02.2022 par X"."""
    for by in _BY_AFTER_DATE_RE.finditer(line):
        if by.start() == 0:
            continue
        if _is_date_head(line[: by.start()]):
            return _read_names(line[by.end() :], True)
    return None


def _tail_start(text: str) -> int:
    """Where a byline's metadata starts after the names (a date, a separator, a label)."""
    tail = _TAIL_RE.search(text)
    end = tail.start() if tail else len(text)
    for match in _CALENDAR_TAIL_RE.finditer(text, 0, end):
        if match.group(1).lower() in _CALENDAR_WORDS:
            return match.start()
    return end


def _is_date_token(word: str) -> bool:
    """True for a word of a date or time: "12.", "Juni", "2017,", "18:18", "Uhr", "am", "|"."""
    word = word.lower().strip(",")
    if word[:1].isdigit():
        return bool(_NUMBER_RE.fullmatch(word))
    return word.rstrip(".") in _DATE_WORDS or word in _DATE_WORDS


def _is_date_head(text: str) -> bool:
    """True for a date with at most a short label: "Veröffentlicht am 3. Mai 2019, 18:18"."""
    words = text.strip(" ,|·•∙/~–—-").split()
    if not words or len(words) > 12 or not any(c.isdigit() for c in text):
        return False
    labels = sum(1 for word in words if not _is_date_token(word))
    return labels <= _HEAD_LABEL_WORDS


def _skip_date_head(line: str) -> str | None:
    """The rest of a line that starts with a date ("26. September 2019 Jane Doe"), else None."""
    words = line.split()
    i = 0
    while i < len(words) and _is_date_token(words[i]):
        i += 1
    head = " ".join(words[:i])
    if not i or i == len(words) or not any(c.isdigit() for c in head):
        return None
    return " ".join(words[i:])


def _is_pseudonym(part: str, supported: bool) -> bool:
    """A one-word handle ("jdoe", "k7", "BlaueLeseEule") or "Der Kurt"."""
    tokens = part.split()
    if len(tokens) == 2 and tokens[0].lower() in _PARTICLES:
        tokens = tokens[1:]
    if len(tokens) != 1 or not _HANDLE_RE.fullmatch(tokens[0]):
        return False
    word = tokens[0].lower()
    if word in _STOP_WORDS or word in _CALENDAR_WORDS or word.isdigit():
        return False
    capitalised = tokens[0][0].isupper() and not tokens[0].isupper()
    return supported or not capitalised


def _is_desk(part: str) -> bool:
    """True for a desk, wire or generic account: "dpa", "Staff Writer", "Redaktion X"."""
    return any(_desk_word(token) for token in part.replace("/", " ").split())


def _is_desk_phrase(part: str) -> bool:
    """True when any word of a trailing part is a desk word ("CNN Wire", "AP Photo")."""
    return _is_desk(part)


def _desk_word(token: str) -> bool:
    """True for one word naming a desk; "red." keeps its dot, other words lose punctuation."""
    lower = token.lower()
    return lower in DESK_WORDS or lower.strip(".,:;()") in DESK_WORDS


def _capital_after_particle(token: str) -> bool:
    """True when a name word starts upper-case, after an attached particle ("al-Assad")."""
    if token[0].isupper():
        return True
    for mark in ("-", "'", "’"):
        head, sep, rest = token.partition(mark)
        if sep and head.lower() in {"al", "el", "ad", "bin", "ibn", "d", "l"} and rest:
            return rest[0].isupper()
    return token[0].isupper()


def parse_bio(line: str, known: list[str]) -> tuple[str, str] | None:
    """(author, affiliation) from "*Jane Doe is Research Fellow at X. She ..." for a known author.

    Only authors already named in a byline count, or a footnote-starred name: otherwise
    an article's closing sentence "John Roe is ..." would pass for a bio.
    """
    match = _BIO_RE.fullmatch(line.strip())
    if not match:
        return None
    name = clean_name(match.group("name"))
    keys = {normalize_name(k): k for k in known}
    if normalize_name(name) in keys:
        name = keys[normalize_name(name)]
    elif not (line.lstrip().startswith("*") and is_name(name)):
        return None
    first_sentence = re.split(r"(?<=[a-z)])\.\s", match.group("rest"), maxsplit=1)[0]
    affiliation = _BIO_FILLER_RE.sub("", first_sentence.strip(" .…"))
    return name, affiliation[:200]


def same_person(a: str, b: str) -> bool:
    """True when two spellings name the same person."""
    return normalize_name(a) == normalize_name(b)
