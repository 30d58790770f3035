"""The strong draft a new workshop starts from, in English and Dutch.

Every figure here is a typical value from published benchmarks, meant to be
discussed and changed in the workshop, not taken as truth. Texts are written per
language; numbers and ids (owners, kinds, periods, frequencies) are shared, so
both languages always carry the same draft.

The numbers hang together: a revenue target of EUR 2.4 m a year at an average
deal of EUR 20,000 needs 120 customers a year, 10 a month. The monthly funnel
(1,000 inquiries -> 150 MQLs -> 75 SALs -> 45 SQLs -> 27 opportunities -> 11
customers) reaches that with a little headroom, and 6 reps with 25 follow-ups
a week can handle the MQLs comfortably.
"""

from dataclasses import dataclass

LANGUAGES = ("en", "nl")


@dataclass(frozen=True)
class _T:
    """A text in both languages."""

    en: str
    nl: str


def _item(section, text, **details):
    return (section, text, details)


# --- Funnel (demand waterfall), monthly volumes --------------------------------

_FUNNEL = [
    _item(
        "funnel",
        _T("Inquiry", "Aanvraag (inquiry)"),
        definition=_T(
            "Anyone who leaves their details: a form, a download, a webinar sign-up or a chat.",
            "Iedereen die gegevens achterlaat via een formulier, download, webinaraanmelding "
            "of chat.",
        ),
        volume=1000,
        conversion=15,
    ),
    _item(
        "funnel",
        _T("MQL (marketing-qualified lead)", "MQL (marketing-qualified lead)"),
        definition=_T(
            "A lead that fits our ideal customer profile and shows enough engagement to reach "
            "the agreed lead-score threshold.",
            "Een lead die past bij ons ideale klantprofiel en genoeg interactie laat zien om de "
            "afgesproken leadscore te halen.",
        ),
        volume=150,
        conversion=50,
    ),
    _item(
        "funnel",
        _T("SAL (sales-accepted lead)", "SAL (door sales geaccepteerde lead)"),
        definition=_T(
            "An MQL that sales has checked and accepted for follow-up within the agreed time.",
            "Een MQL die sales heeft beoordeeld en binnen de afgesproken tijd heeft geaccepteerd "
            "voor opvolging.",
        ),
        volume=75,
        conversion=60,
    ),
    _item(
        "funnel",
        _T("SQL (sales-qualified lead)", "SQL (sales-qualified lead)"),
        definition=_T(
            "A lead that sales has spoken to and qualified against the agreed criteria (BANT).",
            "Een lead die sales heeft gesproken en heeft gekwalificeerd op de afgesproken "
            "criteria (BANT).",
        ),
        volume=45,
        conversion=60,
    ),
    _item(
        "funnel",
        _T("Opportunity", "Opportunity (verkoopkans)"),
        definition=_T(
            "A qualified sales opportunity in the CRM, with an estimated value, a close date and "
            "an agreed next step.",
            "Een gekwalificeerde verkoopkans in het CRM, met een geschatte waarde, een "
            "verwachte sluitdatum en een afgesproken vervolgstap.",
        ),
        volume=27,
        conversion=40,
    ),
    _item(
        "funnel",
        _T("Customer (won)", "Klant (gewonnen)"),
        definition=_T(
            "An opportunity that has been won: the contract is signed.",
            "Een gewonnen opportunity: het contract is getekend.",
        ),
        volume=11,
    ),
]


# --- Buyer journey: the six B2B buying jobs, gaps and moments of truth ----------

_PROBLEM = _T("Problem identification", "Probleemherkenning")
_EXPLORATION = _T("Solution exploration", "Oplossingen verkennen")
_REQUIREMENTS = _T("Requirements building", "Eisen opstellen")
_SELECTION = _T("Supplier selection", "Leveranciersselectie")
_VALIDATION = _T("Validation", "Validatie")
_CONSENSUS = _T("Consensus creation", "Draagvlak creëren")

_JOURNEY = [
    _item(
        "journey",
        _PROBLEM,
        kind="phase",
        prospect=_T(
            "Notices that something is not working or could be better. Asks: do we need to act, "
            "and how urgent is it?",
            "Merkt dat iets niet goed loopt of beter kan. Vraagt zich af: moeten we hier iets "
            "mee, en hoe dringend is het?",
        ),
        marketing=_T(
            "Publishes content that names the problem and what it costs: benchmarks, trend "
            "reports, self-assessments.",
            "Publiceert content die het probleem en de kosten ervan zichtbaar maakt: "
            "benchmarks, trendrapporten, zelftests.",
        ),
        sales=_T(
            "Shares insights with existing accounts and on LinkedIn, and watches for trigger "
            "events without pitching yet.",
            "Deelt inzichten met bestaande klanten en op LinkedIn en let op signalen, zonder al "
            "te pitchen.",
        ),
    ),
    _item(
        "journey",
        _EXPLORATION,
        kind="phase",
        prospect=_T(
            "Looks at what kinds of solutions exist, compares approaches and asks peers what "
            "worked for them.",
            "Onderzoekt welke soorten oplossingen er zijn, vergelijkt benaderingen en vraagt "
            "vakgenoten naar hun ervaringen.",
        ),
        marketing=_T(
            "Offers guides, comparisons, webinars and customer stories that explain the options "
            "honestly.",
            "Biedt gidsen, vergelijkingen, webinars en klantverhalen die de opties eerlijk "
            "uitleggen.",
        ),
        sales=_T(
            "Answers questions quickly, helps the prospect sort the options and checks whether "
            "there is a real project.",
            "Beantwoordt vragen snel, helpt de prospect de opties te ordenen en toetst of er een "
            "echt project ligt.",
        ),
    ),
    _item(
        "journey",
        _REQUIREMENTS,
        kind="phase",
        prospect=_T(
            "Turns the need into requirements and a business case. Asks: what must the solution "
            "do, and what is it worth to us?",
            "Vertaalt de behoefte naar eisen en een businesscase. Vraagt zich af: wat moet de "
            "oplossing kunnen en wat levert het ons op?",
        ),
        marketing=_T(
            "Provides requirement checklists, ROI calculators and templates the buyer can reuse "
            "internally.",
            "Levert checklists met eisen, ROI-calculators en templates die de koper intern kan "
            "hergebruiken.",
        ),
        sales=_T(
            "Runs discovery, helps shape the requirements and the business case, and maps who is "
            "involved in the decision.",
            "Voert het discoverygesprek, denkt mee over eisen en businesscase en brengt in kaart "
            "wie er meebeslist.",
        ),
    ),
    _item(
        "journey",
        _SELECTION,
        kind="phase",
        prospect=_T(
            "Draws up a shortlist and asks for demos and proposals. Asks: who fits us best, and "
            "at what price?",
            "Stelt een shortlist op en vraagt demo's en offertes aan. Vraagt zich af: wie past "
            "het best bij ons, en tegen welke prijs?",
        ),
        marketing=_T(
            "Makes sure we are easy to find and credible: reviews, references, a clear pricing "
            "page and cases per industry.",
            "Zorgt dat we vindbaar en geloofwaardig zijn: reviews, referenties, een heldere "
            "prijspagina en cases per branche.",
        ),
        sales=_T(
            "Gives a demo tailored to the prospect's needs, a clear proposal, and handles "
            "objections quickly and openly.",
            "Geeft een demo op maat van de vraag, een heldere offerte en pakt bezwaren snel en "
            "open op.",
        ),
    ),
    _item(
        "journey",
        _VALIDATION,
        kind="phase",
        prospect=_T(
            "Checks whether the choice holds up: references, security and legal questions, a "
            "trial or pilot. Asks: can we trust this?",
            "Toetst of de keuze standhoudt: referenties, security- en juridische vragen, een "
            "proef of pilot. Vraagt zich af: kunnen we hierop bouwen?",
        ),
        marketing=_T(
            "Supplies reference customers, reviews, security and compliance documents, and "
            "independent proof.",
            "Levert referentieklanten, reviews, security- en compliancedocumentatie en "
            "onafhankelijk bewijs.",
        ),
        sales=_T(
            "Arranges reference calls and a pilot, and brings in specialists for technical and "
            "legal questions.",
            "Regelt referentiegesprekken en een pilot en schakelt specialisten in voor "
            "technische en juridische vragen.",
        ),
    ),
    _item(
        "journey",
        _CONSENSUS,
        kind="phase",
        prospect=_T(
            "Gets everyone on board: finance, IT, users and management. Asks: does everyone "
            "stand behind this decision?",
            "Krijgt alle betrokkenen mee: finance, IT, gebruikers en directie. Vraagt zich af: "
            "staat iedereen achter dit besluit?",
        ),
        marketing=_T(
            "Provides material per role (one-pagers for finance, IT and management) and ABM "
            "content for the whole buying group.",
            "Levert materiaal per rol (onepagers voor finance, IT en directie) en ABM-content "
            "voor de hele buying group.",
        ),
        sales=_T(
            "Helps the champion sell the proposal internally, addresses each stakeholder's "
            "concerns and agrees the steps to signature.",
            "Helpt de interne ambassadeur het voorstel intern te verkopen, neemt zorgen per "
            "stakeholder weg en spreekt de stappen tot de handtekening af.",
        ),
    ),
    _item(
        "journey",
        _T(
            "Webinar attendees hear nothing for weeks: marketing waits for the lead score, sales "
            "never sees them.",
            "Webinardeelnemers horen wekenlang niets: marketing wacht op de leadscore en sales "
            "ziet ze niet.",
        ),
        kind="gap",
        phase=_EXPLORATION,
    ),
    _item(
        "journey",
        _T(
            "Nobody owns the business case: marketing has an ROI calculator, but sales does not "
            "use it in discovery.",
            "Niemand is eigenaar van de businesscase: marketing heeft een ROI-calculator, maar "
            "sales gebruikt die niet in het discoverygesprek.",
        ),
        kind="gap",
        phase=_REQUIREMENTS,
    ),
    _item(
        "journey",
        _T(
            "There is no content for finance and IT, so deals stall as soon as more "
            "decision-makers join.",
            "Er is geen content voor finance en IT, waardoor deals vastlopen zodra er meer "
            "beslissers aanschuiven.",
        ),
        kind="gap",
        phase=_CONSENSUS,
    ),
    _item(
        "journey",
        _T(
            "First contact after a lead becomes an MQL",
            "Het eerste contact nadat een lead MQL is geworden",
        ),
        kind="moment",
        phase=_EXPLORATION,
        approach=_T(
            "Sales calls within 4 hours, refers to what the lead read or attended, and asks "
            "about the problem rather than pitching the product.",
            "Sales belt binnen 4 uur, verwijst naar wat de lead las of bijwoonde en vraagt naar "
            "het probleem in plaats van het product te pitchen.",
        ),
    ),
    _item(
        "journey",
        _T("A demo or pricing request comes in", "Er komt een demo- of prijsaanvraag binnen"),
        kind="moment",
        phase=_SELECTION,
        approach=_T(
            "Call within 1 hour, confirm the request by email and hold the demo within 3 "
            "working days, tailored to what the prospect asked.",
            "Binnen 1 uur bellen, de aanvraag per e-mail bevestigen en de demo binnen 3 "
            "werkdagen geven, afgestemd op de vraag van de prospect.",
        ),
    ),
    _item(
        "journey",
        _T(
            "The prospect asks for a reference customer",
            "De prospect vraagt om een referentieklant",
        ),
        kind="moment",
        phase=_VALIDATION,
        approach=_T(
            "Marketing keeps an up-to-date list of reference customers per industry; sales "
            "arranges a call within 5 working days.",
            "Marketing houdt per branche een actuele lijst met referentieklanten bij; sales "
            "regelt binnen 5 werkdagen een gesprek.",
        ),
    ),
]


# --- Joint goals ------------------------------------------------------------------

_GOALS = [
    _item(
        "goals",
        _T(
            "Grow revenue from new customers to €2.4 million a year",
            "De omzet uit nieuwe klanten groeit naar € 2,4 mln per jaar",
        ),
        metric=_T("Booked revenue from new customers", "Geboekte omzet uit nieuwe klanten"),
        target=_T("€2.4 million", "€ 2,4 mln"),
        period="year",
    ),
    _item(
        "goals",
        _T(
            "Keep the gross margin on new deals at 35% or more",
            "De brutomarge op nieuwe deals blijft op minimaal 35%",
        ),
        metric=_T("Gross margin on newly won deals", "Brutomarge op nieuw gewonnen deals"),
        target=_T("≥ 35%", "≥ 35%"),
        period="year",
    ),
    _item(
        "goals",
        _T(
            "Keep our customers: at least 92% renew each year",
            "We houden onze klanten vast: minstens 92% verlengt elk jaar",
        ),
        metric=_T(
            "Customer retention (share of customers that renew; churn is the rest)",
            "Klantretentie (aandeel klanten dat verlengt; de rest is churn)",
        ),
        target=_T("≥ 92%", "≥ 92%"),
        period="year",
    ),
    _item(
        "goals",
        _T(
            "Customers recommend us: a Net Promoter Score of 40 or more",
            "Klanten bevelen ons aan: een Net Promoter Score van 40 of hoger",
        ),
        metric=_T(
            "Net Promoter Score (NPS) from the customer survey",
            "Net Promoter Score (NPS) uit het klantonderzoek",
        ),
        target=_T("≥ 40", "≥ 40"),
        period="quarter",
    ),
]


# --- Targets: sub-goals per team and their dependencies ---------------------------

_TARGETS = [
    _item(
        "targets",
        _T(
            "Marketing delivers enough MQLs to reach the revenue target",
            "Marketing levert genoeg MQL's om het omzettarget te halen",
        ),
        owner="marketing",
        metric=_T("New MQLs per month", "Nieuwe MQL's per maand"),
        target=_T("≥ 140 a month", "≥ 140 per maand"),
        depends_on=_T(
            "Sales accepts or rejects every MQL within 24 hours and records the reason in the CRM.",
            "Sales accepteert of weigert elke MQL binnen 24 uur en legt de reden vast in het CRM.",
        ),
    ),
    _item(
        "targets",
        _T(
            "Sales follows up every MQL within the agreed time",
            "Sales volgt elke MQL binnen de afgesproken tijd op",
        ),
        owner="sales",
        metric=_T(
            "Share of MQLs contacted within 4 hours",
            "Aandeel MQL's dat binnen 4 uur is benaderd",
        ),
        target=_T("≥ 90%", "≥ 90%"),
        depends_on=_T(
            "Marketing routes each MQL straight to the right account owner, with a task, the "
            "lead score and the engagement history.",
            "Marketing wijst elke MQL direct toe aan de juiste accountmanager, met een taak, de "
            "leadscore en de interactiehistorie.",
        ),
    ),
    _item(
        "targets",
        _T(
            "Sales turns qualified leads into opportunities",
            "Sales zet gekwalificeerde leads om in opportunities",
        ),
        owner="sales",
        metric=_T("SQL → opportunity rate", "Conversie SQL → opportunity"),
        target=_T("≥ 60%", "≥ 60%"),
        depends_on=_T(
            "Marketing only hands over leads that meet the agreed MQL criteria, with complete "
            "contact and company data.",
            "Marketing draagt alleen leads over die aan de afgesproken MQL-criteria voldoen, met "
            "volledige contact- en bedrijfsgegevens.",
        ),
    ),
    _item(
        "targets",
        _T(
            "Together we keep enough pipeline to cover the quota",
            "Samen houden we genoeg pipeline om het quotum te dekken",
        ),
        owner="joint",
        metric=_T(
            "Pipeline coverage: open pipeline value ÷ remaining quota for the quarter",
            "Pipelinedekking: waarde open pipeline ÷ resterend quotum voor het kwartaal",
        ),
        target=_T("3–4×", "3–4×"),
        depends_on=_T(
            "Marketing supports open opportunities with case studies, references and ABM "
            "campaigns; sales keeps deal values and close dates up to date.",
            "Marketing ondersteunt open opportunities met cases, referenties en ABM-campagnes; "
            "sales houdt dealwaarde en sluitdatum actueel.",
        ),
    ),
    _item(
        "targets",
        _T(
            "Marketing brings leads that are not ready yet back to sales-ready",
            "Marketing brengt leads die nog niet klaar zijn terug tot ze sales-ready zijn",
        ),
        owner="marketing",
        metric=_T(
            "Share of recycled leads that become an MQL again within 180 days",
            "Aandeel teruggegeven leads dat binnen 180 dagen opnieuw MQL wordt",
        ),
        target=_T("≥ 15%", "≥ 15%"),
        depends_on=_T(
            "Sales records lead status and loss reasons in the CRM within 2 working days.",
            "Sales legt leadstatus en verliesredenen binnen 2 werkdagen vast in het CRM.",
        ),
    ),
]


# --- Definitions: MQL, SQL, disqualification, opportunity -------------------------

_MQL = [
    _item(
        "mql",
        _T(
            "Fit – role: decision-maker or influencer in the buying group (manager, director, "
            "C-level)",
            "Fit – functie: beslisser of beïnvloeder in de buying group (manager, directeur, "
            "C-level)",
        ),
        points=15,
    ),
    _item(
        "mql",
        _T(
            "Fit – company: industry matches our ideal customer profile and size is within range "
            "(e.g. 50–1,000 employees)",
            "Fit – organisatie: branche past bij ons ideale klantprofiel en omvang valt binnen "
            "de doelgroep (bijv. 50–1.000 medewerkers)",
        ),
        points=20,
    ),
    _item(
        "mql",
        _T(
            "Engagement: requested a demo or visited the pricing page",
            "Interactie: demo aangevraagd of prijspagina bezocht",
        ),
        points=25,
    ),
    _item(
        "mql",
        _T(
            "Engagement: attended a webinar or event",
            "Interactie: webinar of event bijgewoond",
        ),
        points=10,
    ),
    _item(
        "mql",
        _T(
            "Threshold: a lead is an MQL from 50 points (fit and engagement); the score drops "
            "10 points per month without activity",
            "Drempel: een lead is MQL vanaf 50 punten (fit én interactie); de score daalt met "
            "10 punten per maand zonder activiteit",
        ),
        points=50,
    ),
]

_SQL = [
    _item(
        "sql",
        _T(
            "Budget: there is a budget, or a clear route to one, for a deal of this size",
            "Budget: er is budget, of een duidelijke weg naar budget, voor een deal van deze "
            "omvang",
        ),
        framework="BANT",
    ),
    _item(
        "sql",
        _T(
            "Authority: we speak to the decision-maker, or know who it is and how to reach them",
            "Authority: we spreken de beslisser, of weten wie dat is en hoe we die bereiken",
        ),
        framework="BANT",
    ),
    _item(
        "sql",
        _T(
            "Need: a confirmed problem that our solution solves, in the prospect's own words",
            "Need: een bevestigd probleem dat onze oplossing oplost, in de woorden van de "
            "prospect zelf",
        ),
        framework="BANT",
    ),
    _item(
        "sql",
        _T(
            "Timing: the prospect intends to decide within 6 months",
            "Timing: de prospect wil binnen 6 maanden een besluit nemen",
        ),
        framework="BANT",
    ),
    _item(
        "sql",
        _T(
            "Enterprise deals (several decision-makers or a long cycle) are qualified with MEDDIC "
            "instead of BANT",
            "Enterprise-deals (meerdere beslissers of een lange cyclus) kwalificeren we met "
            "MEDDIC in plaats van BANT",
        ),
        framework="MEDDIC",
    ),
]

_DISQUALIFICATION = [
    _item(
        "disqualification",
        _T(
            "Unable to reach – only after all agreed contact attempts",
            "Onbereikbaar – pas na alle afgesproken contactpogingen",
        ),
        note=_T(
            "Note the dates and channels of each attempt; the lead goes back to nurturing.",
            "Noteer datum en kanaal van elke poging; de lead gaat terug naar nurturing.",
        ),
    ),
    _item(
        "disqualification",
        _T("Inaccurate data", "Onjuiste gegevens"),
        note=_T(
            "Note what was wrong (fake name, wrong number, student) so marketing can fix the "
            "form or source.",
            "Noteer wat er niet klopte (nepnaam, verkeerd nummer, student), zodat marketing het "
            "formulier of de bron kan verbeteren.",
        ),
    ),
    _item(
        "disqualification",
        _T("No interest / no need", "Geen interesse / geen behoefte"),
        note=_T(
            "Note why (no problem today, already solved, wrong moment) and when it makes sense "
            "to check again.",
            "Noteer waarom (nu geen probleem, al opgelost, verkeerd moment) en wanneer het zin "
            "heeft om opnieuw te polsen.",
        ),
    ),
    _item(
        "disqualification",
        _T("No budget", "Geen budget"),
        note=_T(
            "Note whether budget is expected later (e.g. next financial year) and the date to "
            "follow up.",
            "Noteer of er later budget komt (bijv. volgend boekjaar) en de datum voor opvolging.",
        ),
    ),
    _item(
        "disqualification",
        _T("No fit", "Geen fit"),
        note=_T(
            "Note what does not fit (industry, size, requirement) so marketing can sharpen "
            "targeting and lead scoring.",
            "Noteer wat niet past (branche, omvang, eis), zodat marketing targeting en "
            "leadscoring kan aanscherpen.",
        ),
    ),
]

_OPPORTUNITY = [
    _item(
        "opportunity",
        _T(
            "The lead meets the SQL criteria and has a need our solution addresses",
            "De lead voldoet aan de SQL-criteria en heeft een behoefte die wij invullen",
        ),
        kind="criterion",
    ),
    _item(
        "opportunity",
        _T(
            "A concrete next step with a date is agreed with the prospect (e.g. a demo)",
            "Er is met de prospect een concrete vervolgstap met datum afgesproken (bijv. een demo)",
        ),
        kind="criterion",
    ),
    _item(
        "opportunity",
        _T(
            "Estimated deal value and expected close date are entered in the CRM",
            "Geschatte dealwaarde en verwachte sluitdatum staan in het CRM",
        ),
        kind="criterion",
    ),
    _item(
        "opportunity",
        _T(
            "Discovery – need, stakeholders and decision process explored",
            "Discovery – behoefte, betrokkenen en besluitvorming verkend",
        ),
        kind="stage",
        probability=10,
    ),
    _item(
        "opportunity",
        _T(
            "Solution & demo – solution shown and fit confirmed by the prospect",
            "Oplossing & demo – oplossing getoond en fit bevestigd door de prospect",
        ),
        kind="stage",
        probability=25,
    ),
    _item(
        "opportunity",
        _T(
            "Proposal – proposal sent and discussed with the decision-maker",
            "Voorstel – offerte verstuurd en besproken met de beslisser",
        ),
        kind="stage",
        probability=50,
    ),
    _item(
        "opportunity",
        _T(
            "Negotiation – terms, price and contract being finalised",
            "Onderhandeling – voorwaarden, prijs en contract worden afgerond",
        ),
        kind="stage",
        probability=75,
    ),
    _item(
        "opportunity",
        _T(
            "Closed won – contract signed (lost deals are closed at any stage, with a reason)",
            "Gewonnen – contract getekend (verloren deals sluiten we in elke fase af, met reden)",
        ),
        kind="stage",
        probability=100,
    ),
]


# --- Lead and opportunity management process --------------------------------------

_PROCESS = [
    _item(
        "process",
        _T(
            "Sales accepts or rejects every MQL within 24 hours, always with a reason",
            "Sales accepteert of weigert elke MQL binnen 24 uur, altijd met een reden",
        ),
        owner="sales",
    ),
    _item(
        "process",
        _T(
            "First contact within 4 hours; within 1 hour for demo and pricing requests",
            "Eerste contact binnen 4 uur; bij demo- en prijsaanvragen binnen 1 uur",
        ),
        owner="sales",
    ),
    _item(
        "process",
        _T(
            "6 attempts over 10 working days (phone, email, LinkedIn); no contact by then means "
            "back to nurturing",
            "6 pogingen in 10 werkdagen (telefoon, e-mail, LinkedIn); daarna zonder contact "
            "terug naar nurturing",
        ),
        owner="sales",
    ),
    _item(
        "process",
        _T(
            "Leads that are not ready go back to nurturing and are re-scored after 30, 60, 90 "
            "and 180 days",
            "Leads die nog niet klaar zijn gaan terug naar nurturing en worden na 30, 60, 90 en "
            "180 dagen opnieuw gescoord",
        ),
        owner="marketing",
    ),
    _item(
        "process",
        _T(
            "Marketing supports open opportunities with case studies, references and ABM content",
            "Marketing ondersteunt open opportunities met cases, referenties en ABM-content",
        ),
        owner="marketing",
    ),
    _item(
        "process",
        _T(
            "Lead status, activities and loss reasons are in the CRM within 2 working days",
            "Leadstatus, activiteiten en verliesredenen staan binnen 2 werkdagen in het CRM",
        ),
        owner="joint",
    ),
]


# --- KPIs ----------------------------------------------------------------------------

_CRM = _T("CRM", "CRM")

_KPIS = [
    _item(
        "kpis",
        _T("MQL volume vs goal", "Aantal MQL's t.o.v. doel"),
        definition=_T(
            "New MQLs this month compared with the monthly MQL goal.",
            "Nieuwe MQL's deze maand afgezet tegen het maanddoel.",
        ),
        target=_T("≥ 100% of goal (140 a month)", "≥ 100% van het doel (140 per maand)"),
        owner="marketing",
        frequency="weekly",
        source=_T("Marketing automation", "Marketing automation"),
        measure="mqls",
        unit="count",
        direction="higher",
        target_value=140,
        period="month",
        tolerance=10,
    ),
    _item(
        "kpis",
        _T("MQL → SQL rate", "Conversie MQL → SQL"),
        definition=_T(
            "Share of MQLs that sales qualifies as SQL within 30 days.",
            "Aandeel MQL's dat sales binnen 30 dagen als SQL kwalificeert.",
        ),
        target=_T("≥ 30%", "≥ 30%"),
        owner="joint",
        frequency="monthly",
        source=_CRM,
        measure="mql_to_sql_rate",
        unit="percent",
        direction="higher",
        target_value=30,
        period="month",
        tolerance=10,
    ),
    _item(
        "kpis",
        _T("SQL → opportunity rate", "Conversie SQL → opportunity"),
        definition=_T(
            "Share of SQLs that become an opportunity with a value and a close date.",
            "Aandeel SQL's dat een opportunity wordt met een waarde en een sluitdatum.",
        ),
        target=_T("≥ 60%", "≥ 60%"),
        owner="sales",
        frequency="monthly",
        source=_CRM,
        measure="sql_to_opportunity_rate",
        unit="percent",
        direction="higher",
        target_value=60,
        period="month",
        tolerance=10,
    ),
    _item(
        "kpis",
        _T("Speed-to-lead", "Reactiesnelheid (speed-to-lead)"),
        definition=_T(
            "Median time between an MQL being assigned and the first sales contact.",
            "Mediane tijd tussen het toewijzen van een MQL en het eerste contact door sales.",
        ),
        target=_T(
            "≤ 4 hours; ≤ 1 hour for demo and pricing requests",
            "≤ 4 uur; ≤ 1 uur bij demo- en prijsaanvragen",
        ),
        owner="sales",
        frequency="weekly",
        source=_CRM,
        measure="first_response_hours",
        unit="hours",
        direction="lower",
        target_value=4,
        period="week",
        tolerance=10,
    ),
    _item(
        "kpis",
        _T("Leads followed up within the SLA", "Leads opgevolgd binnen de SLA"),
        definition=_T(
            "Share of MQLs accepted or rejected within 24 hours and contacted within the agreed "
            "time.",
            "Aandeel MQL's dat binnen 24 uur is geaccepteerd of geweigerd en binnen de "
            "afgesproken tijd is benaderd.",
        ),
        target=_T("≥ 90%", "≥ 90%"),
        owner="sales",
        frequency="weekly",
        source=_CRM,
        measure="contacted_within_sla",
        unit="percent",
        direction="higher",
        target_value=90,
        period="week",
        tolerance=10,
    ),
    _item(
        "kpis",
        _T("Pipeline coverage", "Pipelinedekking"),
        definition=_T(
            "Value of open opportunities divided by the remaining quota for the quarter.",
            "Waarde van de open opportunities gedeeld door het resterende quotum voor het "
            "kwartaal.",
        ),
        target=_T("3–4×", "3–4×"),
        owner="joint",
        frequency="monthly",
        source=_CRM,
        measure="manual",
        unit="count",
        direction="higher",
        target_value=3,
        period="month",
        tolerance=10,
    ),
    _item(
        "kpis",
        _T("Win rate", "Winratio"),
        definition=_T(
            "Share of closed opportunities that were won.",
            "Aandeel afgesloten opportunities dat gewonnen is.",
        ),
        target=_T("≥ 40%", "≥ 40%"),
        owner="sales",
        frequency="monthly",
        source=_CRM,
        measure="win_rate",
        unit="percent",
        direction="higher",
        target_value=40,
        period="month",
        tolerance=10,
    ),
    _item(
        "kpis",
        _T("Average deal value", "Gemiddelde dealwaarde"),
        definition=_T(
            "Average first-year value of the deals won in the period.",
            "Gemiddelde waarde in het eerste jaar van de deals die in de periode zijn gewonnen.",
        ),
        target=_T("≥ €20,000", "≥ € 20.000"),
        owner="sales",
        frequency="quarterly",
        source=_CRM,
        measure="average_deal_size",
        unit="currency",
        direction="higher",
        target_value=20000,
        period="quarter",
        tolerance=10,
    ),
    _item(
        "kpis",
        _T("Customer churn", "Klantverloop (churn)"),
        definition=_T(
            "Share of customers that did not renew over the last 12 months.",
            "Aandeel klanten dat de afgelopen 12 maanden niet heeft verlengd.",
        ),
        target=_T("≤ 8%", "≤ 8%"),
        owner="joint",
        frequency="quarterly",
        source=_T("CRM and finance system", "CRM en financieel systeem"),
        measure="manual",
        unit="percent",
        direction="lower",
        target_value=8,
        period="quarter",
        tolerance=10,
    ),
    _item(
        "kpis",
        _T("Customer satisfaction (NPS)", "Klanttevredenheid (NPS)"),
        definition=_T(
            "Net Promoter Score from the quarterly customer survey.",
            "Net Promoter Score uit het klantonderzoek per kwartaal.",
        ),
        target=_T("≥ 40", "≥ 40"),
        owner="joint",
        frequency="quarterly",
        source=_T("Survey tool", "Enquêtetool"),
        measure="manual",
        unit="count",
        direction="higher",
        target_value=40,
        period="quarter",
        tolerance=10,
    ),
]


# --- Governance and escalation ladder ------------------------------------------------

_ESCALATION = [
    _item(
        "escalation",
        _T("1. Owner and team leads", "1. Eigenaar en teamleads"),
        trigger=_T(
            "An SLA agreement is missed two weeks in a row, or a KPI is more than 10% below "
            "target.",
            "Een SLA-afspraak wordt twee weken op rij niet gehaald, of een KPI ligt meer dan "
            "10% onder het doel.",
        ),
        who=_T(
            "The KPI owner with the team leads of marketing and sales.",
            "De eigenaar van de KPI met de teamleads van marketing en sales.",
        ),
        response_time=_T("Within 2 working days", "Binnen 2 werkdagen"),
        trigger_status="red_only",
        trigger_periods=1,
        trigger_measure="any",
        response_days=2,
    ),
    _item(
        "escalation",
        _T("2. Heads of marketing and sales", "2. Hoofd marketing en hoofd sales"),
        trigger=_T(
            "Step 1 does not solve it within two weeks, or a KPI stays below target for a "
            "second month.",
            "Stap 1 lost het niet binnen twee weken op, of een KPI blijft een tweede maand "
            "onder het doel.",
        ),
        who=_T(
            "The head of marketing and the head of sales.",
            "Het hoofd marketing en het hoofd sales.",
        ),
        response_time=_T("Within 5 working days", "Binnen 5 werkdagen"),
        trigger_status="red_only",
        trigger_periods=2,
        trigger_measure="any",
        response_days=5,
    ),
    _item(
        "escalation",
        _T("3. Joint leadership", "3. Gezamenlijke directie"),
        trigger=_T(
            "The heads do not reach agreement, or the issue puts the revenue target or the SLA "
            "itself at risk.",
            "De hoofden komen er samen niet uit, of het probleem brengt het omzettarget of de "
            "SLA zelf in gevaar.",
        ),
        who=_T("The CCO or the board.", "De CCO of de directie."),
        response_time=_T("At the next leadership meeting", "In het eerstvolgende directieoverleg"),
        trigger_status="red_only",
        trigger_periods=3,
        trigger_measure="any",
        response_days=10,
    ),
]

_GOVERNANCE = [
    _item(
        "governance",
        _T(
            "Weekly SLA report to both teams: lead volumes, follow-up within the SLA and "
            "exceptions",
            "Wekelijks SLA-rapport aan beide teams: leadvolumes, opvolging binnen de SLA en "
            "uitzonderingen",
        ),
        owner="marketing",
    ),
    _item(
        "governance",
        _T(
            "Monthly joint review of KPIs, pipeline and open escalations, with actions and owners",
            "Maandelijkse gezamenlijke review van KPI's, pipeline en open escalaties, met acties "
            "en eigenaren",
        ),
        owner="joint",
    ),
    _item(
        "governance",
        _T(
            "Quarterly revision of definitions, targets and lead scoring, based on the results",
            "Elk kwartaal herzien we definities, targets en leadscoring op basis van de resultaten",
        ),
        owner="joint",
    ),
]

_ITEMS = (
    _FUNNEL
    + _JOURNEY
    + _GOALS
    + _TARGETS
    + _MQL
    + _SQL
    + _DISQUALIFICATION
    + _OPPORTUNITY
    + _PROCESS
    + _KPIS
    + _ESCALATION
    + _GOVERNANCE
)


# --- Captured fields ---------------------------------------------------------------

_FIELDS = {
    "funnel": {"period": "month"},
    "journey": {"dots_per_delegate": 3},
    "goals": {
        "summary": _T(
            "Marketing and sales share one revenue goal for new customers and are jointly "
            "responsible for keeping customers and keeping them satisfied.",
            "Marketing en sales delen één omzetdoel voor nieuwe klanten en zijn samen "
            "verantwoordelijk voor klantbehoud en klanttevredenheid.",
        ),
    },
    "targets": {
        "revenue_target": 2_400_000,
        "average_deal_size": 20_000,
        "period": "year",
        "currency": "EUR",
        "sales_reps": 6,
        "follow_ups_per_rep_week": 25,
    },
    "process": {
        "handoff_method": _T(
            "MQL assigned in the CRM to the account owner, with a task, a notification, the lead "
            "score and the engagement history.",
            "De MQL wordt in het CRM toegewezen aan de accountmanager, met een taak, een "
            "notificatie, de leadscore en de interactiehistorie.",
        ),
        "accept_hours": 24,
        "first_contact_hours": 4,
        "attempts": 6,
        "attempt_days": 10,
        "crm_fields": _T(
            "Lead status, source, lead score, accept or reject reason, contact attempts, "
            "disqualification reason with a note, opportunity value and expected close date.",
            "Leadstatus, bron, leadscore, reden van acceptatie of afwijzing, contactpogingen, "
            "diskwalificatiereden met toelichting, waarde van de opportunity en verwachte "
            "sluitdatum.",
        ),
        "recycling": _T(
            "Leads that are not ready go back to marketing nurturing with a reason, are "
            "re-scored after 30, 60, 90 and 180 days, and return to sales at 50 points.",
            "Leads die nog niet klaar zijn gaan met een reden terug naar nurturing door "
            "marketing, worden na 30, 60, 90 en 180 dagen opnieuw gescoord en gaan bij 50 "
            "punten weer naar sales.",
        ),
        "opportunity_support": _T(
            "Marketing provides case studies, reference customers, ROI calculations and ABM "
            "campaigns for open opportunities; sales asks for them through the CRM.",
            "Marketing levert cases, referentieklanten, ROI-berekeningen en ABM-campagnes voor "
            "open opportunities; sales vraagt deze aan via het CRM.",
        ),
        "follow_up_quality": _T(
            "Each rep follows up at most 25 new leads a week, starts from the lead's own "
            "questions and activity, and logs every contact with a next step.",
            "Elke accountmanager volgt maximaal 25 nieuwe leads per week op, sluit aan bij de "
            "vragen en activiteit van de lead en legt elk contact vast met een vervolgstap.",
        ),
    },
    "governance": {
        "review_cadence": _T(
            "Monthly joint review; quarterly revision of definitions and targets",
            "Maandelijkse gezamenlijke review; elk kwartaal herziening van definities en targets",
        ),
        "attendees": _T(
            "Head of marketing, head of sales, marketing operations and a team lead from each "
            "side (at most 8 people).",
            "Hoofd marketing, hoofd sales, marketing operations en van beide kanten een teamlead "
            "(maximaal 8 personen).",
        ),
        "monitoring": _T(
            "A live KPI dashboard that both teams can see at any time, and a weekly SLA report.",
            "Een live KPI-dashboard dat beide teams altijd kunnen inzien, en een wekelijks "
            "SLA-rapport.",
        ),
        "revision_period": "quarter",
    },
}


def _check_language(language):
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language: {language!r} (expected one of {LANGUAGES})")


def _resolve(value, language):
    return getattr(value, language) if isinstance(value, _T) else value


def draft_items(language: str) -> list[dict]:
    """Each: {"section": str, "text": str, "details": dict}. language is "en" or "nl".

    Order matters: it is the display order within a section. Returns fresh dicts on
    every call, so callers may change them.
    """
    _check_language(language)
    return [
        {
            "section": section,
            "text": _resolve(text, language),
            "details": {key: _resolve(value, language) for key, value in details.items()},
        }
        for section, text, details in _ITEMS
    ]


def draft_fields(language: str) -> dict[str, dict[str, object]]:
    """{section: {field: value}}: the captured defaults, in the given language."""
    _check_language(language)
    return {
        section: {field: _resolve(value, language) for field, value in values.items()}
        for section, values in _FIELDS.items()
    }
