"""Writes csl_items.json, the CSL-JSON items of the golden formatting test (run once, by hand).

    .venv/bin/python tests/articles/golden/build_items.py
    node tests/articles/golden/make_golden.js

Sources: the twelve samples of tests/articles/reference_samples.py, the 21 real works of the demo
library (editorial/demo/library.py), and real published works written out below from their
publishers' and PubMed's records (bibliographic facts; no text of the works). Variants of the real
journal articles (no author, an organisation, an article number, short page ranges) cover the
cases citeproc-py got wrong.
"""

import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
import django

django.setup()

from editorial.demo.library import REFERENCES, names  # noqa: E402
from tests.articles.reference_samples import SAMPLES  # noqa: E402

OUT = Path(__file__).parent / "csl_items.json"


def date(text: str) -> dict[str, Any]:
    return {"date-parts": [[int(part) for part in text.split("-")]]}


def article(
    title: str,
    authors: str,
    journal: str,
    issued: str,
    volume: str = "",
    issue: str = "",
    page: str = "",
    **more: Any,
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "type": "article-journal",
        "title": title,
        "container-title": journal,
        "issued": date(issued),
    }
    if authors:
        item["author"] = names(authors)
    for name, value in (("volume", volume), ("issue", issue), ("page", page)):
        if value:
            item[name] = value
    item.update(more)
    return item


REAL: dict[str, dict[str, Any]] = {
    "sereno2022": article(
        "Spinosaurus is not an aquatic dinosaur",
        "Sereno PC, Myhrvold N",
        "eLife",
        "2022-11-30",
        "11",
        number="e80092",
        DOI="10.7554/eLife.80092",
        PMID="36448670",
        PMCID="PMC9711522",
    ),
    "recovery2021": article(
        "Dexamethasone in Hospitalized Patients with Covid-19",
        "Horby P, Lim WS, Emberson JR, Mafham M, Bell JL, Linsell L, Staplin N, Brightling C, "
        "Ustianowski A, Elmahi E; RECOVERY Collaborative Group",
        "N Engl J Med",
        "2021-02-25",
        "384",
        "8",
        "693-704",
        DOI="10.1056/NEJMoa2021436",
        PMID="32678530",
        PMCID="PMC7383595",
    ),
    "polack2020": article(
        "Safety and Efficacy of the BNT162b2 mRNA Covid-19 Vaccine",
        "Polack FP, Thomas SJ, Kitchin N, Absalon J, Gurtman A, Lockhart S, Perez JL",
        "N Engl J Med",
        "2020-12-31",
        "383",
        "27",
        "2603-2615",
        DOI="10.1056/NEJMoa2034577",
        PMID="33301246",
        PMCID="PMC7745181",
    ),
    "page2021": article(
        "The PRISMA 2020 statement: an updated guideline for reporting systematic reviews",
        "Page MJ, McKenzie JE, Bossuyt PM, Boutron I, Hoffmann TC, Mulrow CD, Shamseer L, "
        "Tetzlaff JM, Akl EA, Brennan SE",
        "BMJ",
        "2021-03-29",
        "372",
        page="n71",
        DOI="10.1136/bmj.n71",
        PMID="33782057",
        PMCID="PMC8005924",
    ),
    "sterne2019": article(
        "RoB 2: a revised tool for assessing risk of bias in randomised trials",
        "Sterne JAC, Savović J, Page MJ, Elbers RG, Blencowe NS, Boutron I",
        "BMJ",
        "2019-08-28",
        "366",
        page="l4898",
        DOI="10.1136/bmj.l4898",
        PMID="31462531",
    ),
    "guyatt2008": article(
        "GRADE: an emerging consensus on rating quality of evidence and strength of "
        "recommendations",
        "Guyatt GH, Oxman AD, Vist GE, Kunz R, Falck-Ytter Y, Alonso-Coello P, "
        "Schünemann HJ; GRADE Working Group",
        "BMJ",
        "2008-04-26",
        "336",
        "7650",
        "924-926",
        DOI="10.1136/bmj.39489.470347.AD",
        PMID="18436948",
        PMCID="PMC2335261",
    ),
    "ioannidis2005": article(
        "Why most published research findings are false",
        "Ioannidis JPA",
        "PLoS Med",
        "2005-08",
        "2",
        "8",
        "e124",
        DOI="10.1371/journal.pmed.0020124",
        PMID="16060722",
        PMCID="PMC1182327",
    ),
    "higgins2003": article(
        "Measuring inconsistency in meta-analyses",
        "Higgins JPT, Thompson SG, Deeks JJ, Altman DG",
        "BMJ",
        "2003-09-06",
        "327",
        "7414",
        "557-560",
        DOI="10.1136/bmj.327.7414.557",
        PMID="12958120",
        PMCID="PMC192859",
    ),
    "moher2009": article(
        "Preferred reporting items for systematic reviews and meta-analyses: the PRISMA statement",
        "Moher D, Liberati A, Tetzlaff J, Altman DG; PRISMA Group",
        "PLoS Med",
        "2009-07-21",
        "6",
        "7",
        "e1000097",
        DOI="10.1371/journal.pmed.1000097",
        PMID="19621072",
    ),
    "wakefield1998": article(
        "Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive developmental "
        "disorder in children",
        "Wakefield AJ, Murch SH, Anthony A",
        "Lancet",
        "1998-02-28",
        "351",
        "9103",
        "637-41",
        DOI="10.1016/S0140-6736(97)11096-0",
        PMID="9500320",
    ),
    "lancet2010": article(
        "Retraction—Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive "
        "developmental disorder in children",
        "",
        "Lancet",
        "2010-02-06",
        "375",
        "9713",
        "445",
        DOI="10.1016/S0140-6736(10)60175-4",
        PMID="20137807",
    ),
    "gbd2020": article(
        "Global burden of 369 diseases and injuries in 204 countries and territories, "
        "1990-2019: a systematic analysis for the Global Burden of Disease Study 2019",
        "GBD 2019 Diseases and Injuries Collaborators",
        "Lancet",
        "2020-10-17",
        "396",
        "10258",
        "1204-1222",
        DOI="10.1016/S0140-6736(20)30925-9",
        PMID="33069326",
    ),
    "hanahan2011": article(
        "Hallmarks of cancer: the next generation",
        "Hanahan D, Weinberg RA",
        "Cell",
        "2011-03-04",
        "144",
        "5",
        "646-74",
        DOI="10.1016/j.cell.2011.02.013",
        PMID="21376230",
    ),
    "jumper2021": article(
        "Highly accurate protein structure prediction with AlphaFold",
        "Jumper J, Evans R, Pritzel A, Green T, Figurnov M, Ronneberger O, Tunyasuvunakool K, "
        "Bates R, Žídek A, Potapenko A",
        "Nature",
        "2021-08",
        "596",
        "7873",
        "583-589",
        DOI="10.1038/s41586-021-03819-2",
        PMID="34265844",
        PMCID="PMC8371605",
    ),
    "zhou2020": article(
        "A pneumonia outbreak associated with a new coronavirus of probable bat origin",
        "Zhou P, Yang XL, Wang XG, Hu B, Zhang L, Zhang W, Si HR, Zhu Y, Li B, Huang CL",
        "Nature",
        "2020-03",
        "579",
        "7798",
        "270-273",
        DOI="10.1038/s41586-020-2012-7",
        PMID="32015507",
    ),
    "bmj-editorial": article(
        "Covid-19: a puzzle with many missing pieces",
        "",
        "BMJ",
        "2020-02-19",
        "368",
        page="m627",
        DOI="10.1136/bmj.m627",
    ),
    "cochrane-naltrexone": article(
        "Oral naltrexone maintenance treatment for opioid dependence",
        "Minozzi S, Amato L, Vecchi S, Davoli M, Kirchmayr U, Verster A",
        "Cochrane Database Syst Rev",
        "2011-04-13",
        issue="4",
        number="CD001333",
        DOI="10.1002/14651858.CD001333.pub4",
        PMID="21491383",
    ),
    "sci-rep": article(
        "Gut microbiota composition in patients with type 2 diabetes",
        "Larsen N, Vogensen FK, van den Berg FWJ, Nielsen DS, Andreasen AS",
        "PLoS One",
        "2010-02-05",
        "5",
        "2",
        "e9085",
        DOI="10.1371/journal.pone.0009085",
        PMID="20140211",
        PMCID="PMC2816710",
    ),
    "h2o": article(
        "Effect of dietary NO<sub>3</sub><sup>\u2212</sup> on blood pressure in healthy volunteers",
        "Larsen FJ, Ekblom B, Sahlin K, Lundberg JO, Weitzberg E",
        "N Engl J Med",
        "2006-12-28",
        "355",
        "26",
        "2792-2793",
        DOI="10.1056/NEJMc062800",
        PMID="17192551",
    ),
    "drosophila": article(
        "The genome sequence of <i>Drosophila melanogaster</i>",
        "Adams MD, Celniker SE, Holt RA",
        "Science",
        "2000-03-24",
        "287",
        "5461",
        "2185-2195",
        DOI="10.1126/science.287.5461.2185",
        PMID="10731132",
    ),
    "hpylori": article(
        "Unidentified curved bacilli in the stomach of patients with gastritis and peptic "
        "ulceration",
        "Marshall BJ, Warren JR",
        "Lancet",
        "1984-06-16",
        "1",
        "8390",
        "1311-5",
        DOI="10.1016/s0140-6736(84)91816-6",
        PMID="6145023",
    ),
    "ecoli": article(
        "Shiga toxin-producing <i>Escherichia coli</i> O104:H4 in Germany",
        "Frank C, Werber D, Cramer JP",
        "N Engl J Med",
        "2011-11-10",
        "365",
        "19",
        "1771-80",
        DOI="10.1056/NEJMoa1106483",
        PMID="21696328",
    ),
    "vitd": article(
        "Vitamin D<sub>3</sub> supplementation and 25(OH)D levels in older adults",
        "Manson JE, Cook NR, Lee IM",
        "N Engl J Med",
        "2019-01-03",
        "380",
        "1",
        "33-44",
        DOI="10.1056/NEJMoa1809944",
        PMID="30415629",
    ),
    "ca2": article(
        "Ca<sup>2+</sup> signalling in cardiac myocytes",
        "Bers DM",
        "Nature",
        "2002-01-10",
        "415",
        "6868",
        "198-205",
        DOI="10.1038/415198a",
        PMID="11805843",
    ),
    "ama-statement": article(
        "Guidelines for the Prevention and Treatment of Opportunistic Infections in Adults and "
        "Adolescents with HIV",
        "Panel on Opportunistic Infections in Adults and Adolescents with HIV",
        "Clin Infect Dis",
        "2009-04-10",
        "58",
        "RR-4",
        "1-207",
    ),
    "medrxiv": {
        "type": "article",
        "title": "Efficacy of ivermectin treatment on disease progression "
        "among adults with mild to moderate COVID-19",
        "author": names("Lim SCL, Hor CP, Tay KH"),
        "publisher": "medRxiv",
        "genre": "Preprint",
        "issued": date("2021-10-05"),
        "DOI": "10.1101/2021.10.03.21264460",
    },
    "biorxiv": {
        "type": "article",
        "title": "Single-cell transcriptomics of the human placenta",
        "author": names("Vento-Tormo R, Efremova M, Botting RA"),
        "container-title": "bioRxiv",
        "genre": "Preprint",
        "issued": date("2018-05-30"),
        "DOI": "10.1101/348847",
    },
    "arxiv": {
        "type": "article",
        "title": "Attention is all you need",
        "author": names(
            "Vaswani A, Shazeer N, Parmar N, Uszkoreit J, Jones L, Gomez AN, Kaiser L, Polosukhin I"
        ),
        "publisher": "arXiv",
        "number": "1706.03762",
        "issued": date("2017-06-12"),
        "DOI": "10.48550/arXiv.1706.03762",
        "URL": "https://arxiv.org/abs/1706.03762",
    },
    "harrison": {
        "type": "book",
        "title": "Harrison's Principles of Internal Medicine",
        "editor": names("Loscalzo J, Fauci AS, Kasper DL, Hauser SL, Longo DL, Jameson JL"),
        "edition": "21",
        "publisher": "McGraw Hill",
        "publisher-place": "New York",
        "issued": date("2022"),
        "ISBN": "9781264268504",
    },
    "sackett": {
        "type": "book",
        "title": "Evidence-Based Medicine: How to Practice and Teach EBM",
        "author": names("Straus SE, Glasziou P, Richardson WS, Haynes RB"),
        "edition": "5",
        "publisher": "Elsevier",
        "publisher-place": "Edinburgh",
        "issued": date("2019"),
    },
    "cochrane-handbook": {
        "type": "book",
        "title": "Cochrane Handbook for Systematic Reviews of Interventions",
        "editor": names("Higgins JPT, Thomas J, Chandler J, Cumpston M, Li T, Page MJ, Welch VA"),
        "edition": "2",
        "publisher": "John Wiley & Sons",
        "publisher-place": "Chichester (UK)",
        "issued": date("2019"),
        "DOI": "10.1002/9781119536604",
    },
    "gray": {
        "type": "book",
        "title": "Gray's Anatomy: The Anatomical Basis of Clinical Practice",
        "editor": names("Standring S"),
        "edition": "42",
        "publisher": "Elsevier",
        "publisher-place": "London",
        "issued": date("2020"),
        "number-of-pages": "1606",
    },
    "oxford-handbook": {
        "type": "book",
        "title": "Oxford Handbook of Clinical Medicine",
        "author": names("Wilkinson IB, Raine T, Wiles K, Goodhart A, Hall C, O'Neill H"),
        "edition": "10",
        "collection-title": "Oxford Medical Handbooks",
        "publisher": "Oxford University Press",
        "publisher-place": "Oxford",
        "issued": date("2017"),
    },
    "chapter-sepsis": {
        "type": "chapter",
        "title": "Sepsis and septic shock",
        "author": names("Munford RS"),
        "editor": names("Loscalzo J, Fauci AS, Kasper DL"),
        "container-title": "Harrison's Principles of Internal Medicine",
        "edition": "21",
        "publisher": "McGraw Hill",
        "publisher-place": "New York",
        "page": "2241-2250",
        "issued": date("2022"),
    },
    "chapter-grade": {
        "type": "chapter",
        "title": "Completing 'Summary of findings' tables and grading the "
        "certainty of the evidence",
        "author": names("Schünemann HJ, Higgins JPT, Vist GE"),
        "editor": names("Higgins JPT, Thomas J"),
        "container-title": "Cochrane Handbook for Systematic Reviews of Interventions",
        "edition": "2",
        "publisher": "John Wiley & Sons",
        "publisher-place": "Chichester (UK)",
        "page": "375-402",
        "issued": date("2019"),
        "DOI": "10.1002/9781119536604.ch14",
    },
    "chapter-tendon": {
        "type": "chapter",
        "title": "Tendinopathy",
        "author": names("Cook JL, Rio E"),
        "editor": names("Brukner P, Khan K"),
        "container-title": "Brukner & Khan's Clinical Sports Medicine",
        "edition": "5",
        "volume": "1",
        "publisher": "McGraw-Hill Education",
        "publisher-place": "Sydney",
        "page": "25-41",
        "issued": date("2017"),
    },
    "who-report": {
        "type": "report",
        "title": "Global tuberculosis report 2023",
        "author": [{"literal": "World Health Organization"}],
        "publisher": "World Health Organization",
        "publisher-place": "Geneva",
        "issued": date("2023-11-07"),
        "ISBN": "9789240083851",
        "URL": "https://www.who.int/publications/i/item/9789240083851",
    },
    "nice-ng136": {
        "type": "report",
        "title": "Hypertension in adults: diagnosis and management",
        "author": [{"literal": "National Institute for Health and Care Excellence"}],
        "genre": "NICE guideline",
        "number": "NG136",
        "publisher": "NICE",
        "publisher-place": "London",
        "issued": date("2019-08-28"),
        "URL": "https://www.nice.org.uk/guidance/ng136",
    },
    "cdc-mmwr": {
        "type": "report",
        "title": "CDC Clinical Practice Guideline for Prescribing Opioids for "
        "Pain — United States, 2022",
        "author": names("Dowell D, Ragan KR, Jones CM, Baldwin GT, Chou R"),
        "collection-title": "MMWR Recommendations and Reports",
        "volume": "71",
        "number": "3",
        "publisher": "Centers for Disease Control and Prevention",
        "publisher-place": "Atlanta (GA)",
        "issued": date("2022-11-04"),
        "DOI": "10.15585/mmwr.rr7103a1",
    },
    "ahrq": {
        "type": "report",
        "title": "Noninvasive Nonpharmacological Treatment for Chronic Pain: "
        "A Systematic Review Update",
        "author": names("Skelly AC, Chou R, Dettori JR"),
        "genre": "Comparative Effectiveness Review",
        "number": "227",
        "publisher": "Agency for Healthcare Research and Quality",
        "publisher-place": "Rockville (MD)",
        "issued": date("2020-04"),
        "DOI": "10.23970/AHRQEPCCER227",
    },
    "web-who": {
        "type": "webpage",
        "title": "Hypertension",
        "author": [{"literal": "World Health Organization"}],
        "container-title": "WHO fact sheets",
        "issued": date("2023-03-16"),
        "accessed": date("2024-05-02"),
        "URL": "https://www.who.int/news-room/fact-sheets/detail/hypertension",
    },
    "web-nhs": {
        "type": "webpage",
        "title": "Achilles tendinopathy",
        "container-title": "NHS inform",
        "accessed": date("2024-03-05"),
        "URL": "https://www.nhsinform.scot/illnesses-and-conditions/muscle-bone-and-joints/",
    },
    "web-cdc": {
        "type": "webpage",
        "title": "Fever in children: when to call the doctor",
        "author": [{"literal": "Centers for Disease Control and Prevention"}],
        "issued": date("2022-09-08"),
        "accessed": date("2024-01-15"),
        "URL": "https://www.cdc.gov/",
    },
    "web-medline": {
        "type": "webpage",
        "title": "Falls in older adults",
        "container-title": "MedlinePlus",
        "publisher": "National Library of Medicine",
        "publisher-place": "Bethesda (MD)",
        "issued": date("2023-06"),
        "accessed": date("2024-02-29"),
        "URL": "https://medlineplus.gov/falls.html",
    },
    "thesis-1": {
        "type": "thesis",
        "title": "Load management in Achilles tendinopathy",
        "author": names("Silbernagel KG"),
        "genre": "PhD thesis",
        "publisher": "University of Gothenburg",
        "publisher-place": "Gothenburg",
        "issued": date("2006"),
        "URL": "https://hdl.handle.net/2077/16840",
    },
    "thesis-2": {
        "type": "thesis",
        "title": "Febrile seizures in children: risk factors and outcomes",
        "author": names("Vestergaard M"),
        "genre": "Dissertation",
        "publisher": "Aarhus University",
        "publisher-place": "Aarhus, Denmark",
        "issued": date("2004"),
        "number-of-pages": "112",
    },
    "thesis-3": {
        "type": "thesis",
        "title": "Exercise interventions to prevent falls in older people",
        "author": names("Sherrington C"),
        "genre": "Master's thesis",
        "publisher": "University of Sydney",
        "issued": date("2001"),
    },
    "conf-1": {
        "type": "paper-conference",
        "title": "Deep residual learning for image recognition",
        "author": names("He K, Zhang X, Ren S, Sun J"),
        "container-title": "Proceedings of the "
        "IEEE Conference on Computer Vision and Pattern Recognition (CVPR)",
        "event-title": "2016 IEEE Conference on Computer Vision and Pattern Recognition",
        "event-place": "Las Vegas, NV",
        "publisher": "IEEE",
        "page": "770-778",
        "issued": date("2016-06"),
        "DOI": "10.1109/CVPR.2016.90",
    },
    "conf-2": {
        "type": "paper-conference",
        "title": "Predicting sepsis in the emergency department",
        "author": names("Delahanty RJ, Alvarez J, Flynn LM"),
        "container-title": "Proceedings of the AMIA Annual Symposium",
        "event-place": "Washington, DC",
        "page": "1050-1059",
        "issued": date("2019-11-16"),
    },
    "conf-3": {
        "type": "paper-conference",
        "title": "Exercise therapy for Achilles tendinopathy",
        "author": names("Rio E, Kidgell D, Purdam C"),
        "event-title": "IOC World Conference on Prevention of Injury and Illness in Sport",
        "event-place": "Monaco",
        "issued": date("2017-03-16"),
    },
    "dataset-1": {
        "type": "dataset",
        "title": "National Health and Nutrition Examination Survey 2017-2018 data",
        "author": [{"literal": "National Center for Health Statistics"}],
        "publisher": "Centers for Disease Control and Prevention",
        "issued": date("2020"),
        "accessed": date("2024-04-01"),
        "URL": "https://wwwn.cdc.gov/nchs/nhanes/",
    },
    "dataset-2": {
        "type": "dataset",
        "title": "MIMIC-IV",
        "version": "2.2",
        "author": names("Johnson A, Bulgarelli L, Pollard T, Horng S, Celi LA, Mark R"),
        "publisher": "PhysioNet",
        "issued": date("2023-01-06"),
        "DOI": "10.13026/6mm1-ek67",
    },
    "dataset-3": {
        "type": "dataset",
        "title": "Retraction Watch Database",
        "author": [{"literal": "The Center for Scientific Integrity"}],
        "publisher": "Crossref",
        "issued": date("2023"),
        "URL": "https://gitlab.com/crossref/retraction-watch-data",
    },
    "newspaper": {
        "type": "article-newspaper",
        "title": "Hospitals brace for a winter of flu and Covid",
        "author": names("Mandavilli A"),
        "container-title": "The New York Times",
        "issued": date("2022-11-21"),
        "page": "A1",
    },
    "magazine": {
        "type": "article-magazine",
        "title": "The overdose crisis",
        "author": names("Gawande A"),
        "container-title": "The New Yorker",
        "issued": date("2023-03-06"),
        "volume": "99",
        "page": "20-27",
    },
    "legislation": {
        "type": "legislation",
        "title": "Health and Social Care Act 2012",
        "issued": date("2012"),
        "container-title": "c. 7",
    },
    "patent": {
        "type": "patent",
        "title": "Inhaler device",
        "author": names("Smith J"),
        "number": "US 7,395,821",
        "issued": date("2008-07-08"),
    },
    "software": {
        "type": "software",
        "title": "R: A Language and Environment for Statistical Computing",
        "author": [{"literal": "R Core Team"}],
        "publisher": "R Foundation for Statistical Computing",
        "publisher-place": "Vienna",
        "version": "4.3.1",
        "issued": date("2023"),
        "URL": "https://www.R-project.org/",
    },
    "entry-encyclopedia": {
        "type": "entry-encyclopedia",
        "title": "Tendinopathy",
        "author": names("Khan KM"),
        "container-title": "Encyclopedia of Sports Medicine",
        "publisher": "SAGE",
        "publisher-place": "Thousand Oaks (CA)",
        "page": "1403-1405",
        "issued": date("2011"),
    },
    "demerec": {
        "type": "book",
        "title": "Biology of <i>Drosophila</i>",
        "editor": names("Demerec M"),
        "publisher": "Wiley",
        "publisher-place": "New York",
        "issued": date("1950"),
    },
    "small-caps": {
        "type": "chapter",
        "title": 'The <span style="font-variant:small-caps;">grade</span> approach to '
        "<i>in vitro</i> evidence",
        "author": names("Guyatt GH"),
        "editor": names("Guyatt GH, Rennie D"),
        "container-title": "Users' Guides to the Medical Literature: <i>Essentials of "
        "Evidence-Based Clinical Practice</i>",
        "edition": "3",
        "publisher": "McGraw-Hill Education",
        "publisher-place": "New York",
        "page": "1-15",
        "issued": date("2015"),
    },
    "motion-picture": {
        "type": "motion_picture",
        "title": "Hand hygiene in the operating room",
        "publisher": "World Health Organization",
        "issued": date("2019"),
        "URL": "https://www.who.int/",
    },
}

JOURNAL_KEYS = [
    "recovery2021",
    "polack2020",
    "guyatt2008",
    "higgins2003",
    "wakefield1998",
    "hanahan2011",
    "jumper2021",
    "zhou2020",
    "hpylori",
    "ecoli",
    "vitd",
    "ca2",
]


def variants() -> dict[str, dict[str, Any]]:
    """Real articles changed in one way each: the cases a formatter gets wrong."""
    out: dict[str, dict[str, Any]] = {}
    for key in JOURNAL_KEYS:
        base = REAL[key]
        out[f"{key}--no-author"] = {k: v for k, v in base.items() if k != "author"}
        out[f"{key}--organisation"] = {
            **base,
            "author": [{"literal": "Writing Committee for the Trial Investigators"}],
        }
        first, _, last = base["page"].partition("-")
        short = last[-2:] if len(last) > 2 else last
        out[f"{key}--short-range"] = {**base, "page": f"{first}-{short}" if last else first}
        out[f"{key}--article-number"] = {
            **{k: v for k, v in base.items() if k not in ("page", "issue")},
            "number": f"e{base['volume']}{first}",
        }
        out[f"{key}--year-only"] = {
            **base,
            "issued": {"date-parts": [base["issued"]["date-parts"][0][:1]]},
            "author": base["author"][:1],
        }
        out[f"{key}--epub"] = {
            **{k: v for k, v in base.items() if k not in ("volume", "issue", "page")}
        }
    out["sereno2022--page"] = {
        **{k: v for k, v in REAL["sereno2022"].items() if k != "number"},
        "page": "e80092",
    }
    out["guyatt2008--pages-1-15"] = {**REAL["guyatt2008"], "page": "1-15"}
    return out


def main() -> None:
    items: dict[str, dict[str, Any]] = {}
    for key, csl in SAMPLES.items():
        items[f"sample-{key}"] = csl
    for ref in REFERENCES:
        item = dict(ref.csl)
        for name, value in (("DOI", ref.doi), ("PMID", ref.pmid), ("PMCID", ref.pmcid)):
            if value:
                item[name] = value
        items[f"demo-{ref.key}"] = item
    items.update(REAL)
    items.update(variants())
    listed = [{**item, "id": key} for key, item in items.items()]
    OUT.write_text(json.dumps(listed, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"{len(listed)} items, {len({i['type'] for i in listed})} types -> {OUT}")


if __name__ == "__main__":
    main()
