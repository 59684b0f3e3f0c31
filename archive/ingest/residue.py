"""Page residue in raw text captures: the site's furniture that a copy-paste drags along.

Rules are general (what comment forms, share bars, captions and menus look like), not tied
to one site. Each pattern must match a whole line, so a sentence that merely mentions
"newsletter" in an article is never dropped.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Words that label a picture's caption or credit, in the languages of the pages read:
# "Photo: X", "Foto: X", "Bild: X", "Crédit photo : X", "(Foto: Privat)", "fot. X".
_CREDIT = (
    r"(?:image|photo|picture|photograph|illustration|caption|foto|bild|bilder|abbildung|grafik|"
    r"bildquelle|fotografie|crédit photo|crédits? photos?|crédito|créditos|imagen|immagine|"
    r"zdjęcie|fot|beeld|kuva|fotó|afbeelding)"
)
# Patterns that open with their keyword, so a line fails them at its first words.
_LINE_PATTERNS = (
    r"(?:print|drucken|imprimer|imprimir|stampa)(?: (?:recipe|article|this|page|artikel|rezept|seite))?\W*",
    r"you are here\W*.{0,80}",
    r"(?:skip to (?:main )?content|main menu|menu|search|home|log ?in|sign ?in|sign ?up|register)",
    r"share(?: this)?(?: (?:article|story|page|post))?(?: on \w+)?\W*",
    r"(?:print|email|tweet|facebook|twitter|linkedin|whatsapp|pinterest|reddit)(?: this)?\W*",
    r"(?:your |post a |leave a |add a |\d+ )?(?:comments?|reply|replies)(?: on this)?(?: cancel reply)?\W*",
    r"chara\w*ters? left\W*.{0,40}",
    r"enter (?:the )?anti-?spam code.*",
    r"(?:previous|next|prev)\s*(?:article|post|story)(?:\s*(?:previous|next)\s*(?:article|post|story))?\W*",
    r"your email address will not be published.*",
    r"required fields are marked.*",
    r"support (?:[\w'’&.-]+ ){1,3}research",
    r"(?:tags?|topics?|filed under|categories|keywords)\s*:.*",
    r"related(?: articles| posts| stories| content| reading)?\W*",
    rf"(?:banner |featured |top |header )?{_CREDIT}s?(?: credits?)?\s*:.*",
    r"(?:continue |read )?(?:reading|read more)\W*",
    r"(?:click|tap) here\b.{0,80}",
    r"(?:this (?:article|piece|post|commentary|essay) )?(?:was )?(?:first |originally )"
    r"(?:appeared|published) (?:in|on|at|by) .{2,80}",
    r"advertisement|sponsored content|\d+ shares?",
    r"(?:all rights reserved|copyright\b|©).{0,120}",
)
_LINE_RE = re.compile("|".join(f"(?:{p})" for p in _LINE_PATTERNS), re.IGNORECASE)
# Patterns whose keyword may stand anywhere in the line: each is a scan, so they are tried
# only on lines holding one of their keywords (a search for the keywords alone is cheap).
_SCANNED_PATTERNS = (
    r".{0,60}\bcaptcha\b.{0,60}",
    r".{0,60}\bnewsletters?\b.{0,40}",
    rf".{{0,300}}\((?:{_CREDIT}|pic|credit)s?(?: by| credit| courtesy)?\b[^)]*\)\W*",
    r".{0,300}\bvia getty images\W*",
    r".{0,400}(?:\.\.\.|…)\s*read more\W*",
    r".{0,120}\bcookies?\b.{0,60}\b(?:accept|agree|consent|policy)\b.{0,60}",
)
_SCANNED_RE = re.compile("|".join(f"(?:{p})" for p in _SCANNED_PATTERNS), re.IGNORECASE)
# Cookie and subscription notices, tried only on lines that name a cookie or an e-mail address
# (the patterns scan the whole line, too slow to run on every line).
_NOTICE_PATTERNS = (
    r".{0,300}\bcookies?\b.{0,300}\b(?:verwende|nutze|einsetz|einstellung|akzeptier|zustimm|datenschutz|"
    r"accept|consent|settings|utilis|acepta|utiliz|usiamo|utilizz)\w*\b.{0,300}",
    r".{0,200}\b(?:e-?mail-?adresse|email address|adresse e-?mail|correo electrónico)\b.{0,120}"
    r"\b(?:abonnier|folgen|erhalten|benachrichtig|subscribe|follow|notif|recevoir|abonner)\w*\b.{0,120}",
)
_NOTICE_RE = re.compile("|".join(f"(?:{p})" for p in _NOTICE_PATTERNS), re.IGNORECASE)
# The characters outside ASCII that IGNORECASE matches to an ASCII letter: with them mapped,
# a keyword found in the lower-cased line is one the case-blind regex would find.
_TO_ASCII = str.maketrans({"İ": "i", "ı": "i", "ſ": "s", "\u212a": "k"})
_ODD_CASE = tuple(chr(c) for c in _TO_ASCII)
# The patterns above that end in ".*" (the rest match at most a few hundred characters).
_LINE_MAX_CHARS = 560
_OPEN_ENDED_RE = re.compile(
    r"(?:tags?|topics?|filed under|categories|keywords)\s*:|enter (?:the )?anti-?spam code|"
    r"your email address will not be published|required fields are marked|"
    rf"(?:banner |featured |top |header )?{_CREDIT}s?(?: credits?)?\s*:"
    rf"|.{{0,300}}\((?:{_CREDIT}|pic|credit)s?(?: by| credit| courtesy)?\b[^)]*\)\W*$",
    re.IGNORECASE,
)
# A short menu entry: "• Current Edition". Longer bullet lines are article lists and stay.
_MENU_BULLET_RE = re.compile(r"[•·▪●◦‣∙]\s*\S+(?:\s+\S+){0,3}")
# Once the page's comment form or share bar starts, the article is over.
_STOP_PATTERNS = (
    r"share(?: this)?(?: (?:article|story|page|post))?\W*",
    r"(?:your |post a |leave a |add a )(?:comments?|reply)(?: on this)?\W*",
    r"(?:\d+ |no |keine |\(\d+\) )?(?:comments?|kommentare?|commentaires?|comentarios?|commenti|"
    r"komentarze?|reacties|reactions?|réactions|vos réactions|reaktionen)(?:\s*\(\d+\))?\W*",
    r"(?:no|keine|es gibt noch keine|noch keine|aucun|sin) (?:comments?|kommentare|commentaires?|"
    r"comentarios)\b.{0,80}",
    r"(?:kommentar|kommentare|antwort|comment|reply|commentaire|comentario)\s+"
    r"(?:schreiben|verfassen|hinterlassen|abgeben|posten|absenden|écrire|laisser|dejar|lasciare)\W*",
    r"(?:schreibe|hinterlasse|leave|laisser|deja|lascia)\s+(?:einen|eine|a|un|una)\s+"
    r"(?:kommentar|antwort|comment|reply|commentaire|comentario|risposta)\W*",
    r"(?:previous|prev)\s*(?:article|post|story).*",
    r"your email address will not be published.*",
    r"(?:subscribe to|sign up for) (?:our|the) newsletter.*",
    r"related(?: articles| posts| stories)\W*",
    r"(?:you (?:may|might) also like|more (?:from|on) this|read (?:also|more)|see also|recommended"
    r"(?: for you)?|popular (?:posts|articles))\W*",
    r"(?:das könnte (?:dich|sie) auch interessieren|lesen sie auch|lies auch|auch interessant|"
    r"mehr zum thema|weitere (?:artikel|beiträge|themen|nachrichten)|ähnliche (?:artikel|beiträge)|"
    r"beliebte (?:artikel|beiträge)(?: zum thema)?|schon gelesen|empfohlen für (?:dich|sie)|"
    r"verwandte (?:artikel|beiträge)|passend zum thema|das könnte sie auch interessieren)\W*",
    r"(?:hinterlasse|hinterlassen sie|schreib|schreibe|schreiben sie|verfasse|verfassen sie)\s+(?:jetzt\s+)?"
    r"(?:einen|eine|deinen|ihren)\s+(?:kommentar|antwort)\W*",
    r"(?:comentar|commenter|commentare|skomentuj)\s+(?:este|esta|cet|cette|questo|questa)?\s*"
    r"(?:artículo|noticia|entrada|article|articolo|billet)?\W*",
    r"(?:teilen|teile|sharen|partager|compartir|condividi|udostępnij|delen)(?:\s+(?:sie|dies|das|es|"
    r"diesen artikel|cet article|este artículo|mit|en|su|on))*\W*",
    r"(?:neueste|aktuelle|letzte|weitere|mehr)\s+(?:artikel|beiträge|news|nachrichten|kolumnen|"
    r"meldungen|themen|videos|posts)\b.{0,40}",
    r"(?:recent|latest|more|popular|top)\s+(?:posts|articles|stories|news)\b.{0,40}",
    r"(?:derniers articles|dernières actualités|pour approfondir|últimas noticias|ultime notizie)\W*",
    r"(?:à lire aussi|lire aussi|sur le même sujet|articles similaires|dans la même rubrique|"
    r"te puede interesar|noticias relacionadas|artículos relacionados|leggi anche|articoli correlati|"
    r"zobacz (?:też|także)|czytaj (?:też|także))\W*",
)
_STOP_MAX_CHARS = 160  # no stop pattern matches a longer line
_STOP_RE = re.compile("|".join(f"(?:{p})" for p in _STOP_PATTERNS), re.IGNORECASE)
_WORDS_RE = re.compile(r"\S+")


def keyword_text(line: str) -> str:
    """The line as case-blind keyword tests read it: `word in keyword_text(line)` holds
    whenever re.IGNORECASE would find the (ASCII) word in the line."""
    if not line.isascii() and any(ch in line for ch in _ODD_CASE):
        line = line.translate(_TO_ASCII)
    return line.lower()


def is_residue_line(line: str) -> bool:
    """True for a line of page furniture (share bar, comment form, caption, menu, tag list)."""
    line = line.strip()
    lower = keyword_text(line)
    notice = "cookie" in lower or "mail" in lower or "correo" in lower
    if len(line) > _LINE_MAX_CHARS:  # only the open-ended patterns can match a long line
        return bool(_OPEN_ENDED_RE.match(line) or notice and _NOTICE_RE.fullmatch(line))
    if _LINE_RE.fullmatch(line) or _MENU_BULLET_RE.fullmatch(line):
        return True
    scanned = ("(" in lower or "captcha" in lower or "newsletter" in lower or "cookie" in lower
               or "read more" in lower or "via getty images" in lower)
    if scanned and _SCANNED_RE.fullmatch(line):
        return True
    return bool(notice and _NOTICE_RE.fullmatch(line))


@lru_cache(maxsize=4096)  # the block finder and the line model ask again about the same lines
def is_stop_line(line: str) -> bool:
    """True for a line after which nothing belongs to the article (comments, share bar)."""
    return len(line) <= _STOP_MAX_CHARS and bool(_STOP_RE.fullmatch(line.strip()))


def residue_mask(lines: list[str]) -> list[bool]:
    """Mark residue lines, including captions that the page repeated (image alt + caption)."""
    mask = [is_residue_line(line) or is_stop_line(line) for line in lines]
    for i in range(1, len(lines)):
        if lines[i] == lines[i - 1] and len(_WORDS_RE.findall(lines[i])) <= 40:
            mask[i - 1] = mask[i] = True
    return mask
