"""Fixed text and styling of the page: example questions per audience, placeholders, CSS, the
small script that opens a citation or term in the side panel, and Dutch error messages.

Non-goals: layout (app.py), what the events do (chat.py, ratings.py, documents.py), answer HTML
(page.py).
"""

from ingest.errors import InputError

EXAMPLES = {
    "professional": [
        "Hoe wordt een bbl-opleiding bij een roc, aoc of vakinstelling gefinancierd?",
        "Mijn cliënt heeft een WW-uitkering en wil met behoud van uitkering een opleiding volgen. "
        "Hoe lang mag die opleiding maximaal duren?",
        "Hoeveel subsidie kan een werkgever krijgen voor het begeleiden van een bbl-student?",
        "Waar vraagt een mbo-school een diplomalicentie voor de derde leerweg aan?",
    ],
    "student": [
        "Hoe lang duurt de entreeopleiding?",
        "Hoeveel van de tijd zit een bol-student gemiddeld op school?",
        "Welk diploma heb je nodig om een specialistenopleiding op niveau 4 te mogen doen?",
        "Krijg je studiefinanciering als je bbl doet?",
    ],
}
PLACEHOLDER = {"professional": "Stel uw vraag over mbo-beleid, bijvoorbeeld over financiering of uitkeringen…",
               "student": "Stel je vraag over het mbo, bijvoorbeeld over toelating of studiefinanciering…"}
CSS = """
.antwoord p { margin: 0 0 .4em 0; }
.antwoord a.cite { font-weight: 600; text-decoration: none; padding: 0 1px; }
.antwoord.weigering { border-left: 4px solid #d97706; padding-left: .6em; }
.uitleg-weigering { color: #92400e; font-size: .92em; }
.notities { background: #fef3c7; color: #78350f; border-radius: 6px; padding: .3em .6em; margin-top: .4em; font-size: .92em; }
.notities ul { margin: .2em 0 0 1.1em; }
a.term { color: inherit; text-decoration: underline dotted; cursor: help; }
.bronnen h3, .begrippen h3 { margin: .2em 0 .4em 0; }
.bronnen details.beurt > summary { cursor: pointer; font-weight: 600; margin: .3em 0; }
.bron { border: 1px solid #d4d4d8; border-radius: 8px; padding: .5em .7em; margin: .5em 0; }
.bron h4 { margin: 0 0 .2em 0; }
.bron .meta { color: #52525b; font-size: .85em; margin: 0 0 .3em 0; }
.bron blockquote { margin: 0; padding-left: .6em; border-left: 3px solid #a1a1aa; font-size: .92em; }
.bron mark { background: #fde047; color: inherit; padding: 0 1px; }
.bron details.context summary { cursor: pointer; color: #1d4ed8; font-size: .9em; margin-top: .3em; }
.bron p.omgeving { color: #52525b; font-size: .88em; }
.flash { outline: 3px solid #2563eb; transition: outline .3s; }
.begrip blockquote { margin: .2em 0; font-size: .92em; }
.begrip .bronvermelding, .begrippen .uitleg { color: #52525b; font-size: .85em; margin: 0; }
"""
# Citation links and glossary terms: open the target in the side panel and scroll to it.
HEAD = """<script>
document.addEventListener('click', function (ev) {
  var a = ev.target.closest ? ev.target.closest('a.cite, a.term') : null;
  if (!a) return;
  var id = (a.getAttribute('href') || '').replace(/^#/, '');
  var el = id && document.getElementById(id);
  if (!el) return;
  ev.preventDefault(); ev.stopPropagation();
  var group = el.closest('details.beurt'); if (group) group.open = true;
  if (el.tagName === 'DETAILS') el.open = true;
  el.scrollIntoView({behavior: 'smooth', block: 'center'});
  el.classList.add('flash'); setTimeout(function () { el.classList.remove('flash'); }, 1600);
}, true);
</script>"""


# the page's own sentences in the audience's form of address (professional: u, student: je)
_YOUR = {"professional": "Uw", "student": "Je"}


def too_long(question: str, limit: int, audience: str = "professional") -> str:
    return (f"{_YOUR.get(audience, 'Uw')} vraag is {len(question)} tekens lang; het maximum is {limit}. "
            "Maak de vraag korter en probeer het opnieuw.")


def thanks(audience: str = "professional", comment: bool = False) -> str:
    return (f"Bedankt! {_YOUR.get(audience, 'Uw')} feedback is opgeslagen."
            + (" (met toelichting)" if comment else ""))


_INPUT_NL = (("control characters", "De vraag bevat stuurtekens; typ gewone tekst."),
             ("is empty", "Typ eerst een vraag."),
             ("history", "Het gesprek kan niet worden gelezen; klik op 'Nieuw gesprek' en stel de vraag opnieuw."),
             ("mode", "Deze antwoordwijze bestaat niet; kies 'extractief' of 'taalmodel'."))


def dutch_error(exc: Exception) -> str:
    """A Dutch message for the page; the original (English) detail is kept for support."""
    if isinstance(exc, InputError):
        for needle, text in _INPUT_NL:
            if needle in str(exc):
                return f"{text} (Details: {exc})"
        return f"Deze vraag kan ik niet verwerken ({exc})."
    return f"Er ging iets mis bij het beantwoorden ({type(exc).__name__}: {exc}). Probeer het later opnieuw."
