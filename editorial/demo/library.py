"""The demo's reference library: real published works, with their bibliographic data, DOIs and
PMIDs as PubMed lists them (checked one by one against PubMed records and the publishers'
pages; a PMID that could not be checked is left out rather than guessed).

Authors are written as PubMed lists them ("Martin RL, Chimenti R; Committee on Drugs": an
organisation after a semicolon, or any name without initials); the source as "volume(issue):
pages". One paper is the well-known retraction: Wakefield et al., Lancet 1998, retracted by
the journal on 2 February 2010. It enters the library as it was imported (active) and is then
marked retracted through a new version, as an editor would do it (RETRACTION_NOTE).
"""

import re
from dataclasses import dataclass
from typing import Any

from articles.references.models import EvidenceLevel, ReferenceType

GUIDELINE = ReferenceType.GUIDELINE
RESEARCH = ReferenceType.RESEARCH
REVIEW = ReferenceType.REVIEW
SYSTEMATIC_REVIEW = ReferenceType.SYSTEMATIC_REVIEW
META_ANALYSIS = ReferenceType.META_ANALYSIS

_SOURCE = re.compile(r"^(?P<volume>[^(:]*)(?:\((?P<issue>[^)]+)\))?:(?P<page>.+)$")
_INITIALS = re.compile(r"^[A-Z]+$")


def names(authors: str) -> list[dict[str, str]]:
    """CSL names from PubMed's author list: "van der Linden PD, Stricker BH; Committee on
    Drugs" (a name whose last word is not initials is an organisation)."""
    result = []
    for name in re.split(r"[,;] ", authors):
        family, _, initials = name.rpartition(" ")
        if family and _INITIALS.match(initials):
            result.append({"family": family, "given": " ".join(initials)})
        else:
            result.append({"literal": name})
    return result


def journal(title: str, authors: str, container: str, issued: str, source: str) -> dict[str, Any]:
    """A CSL-JSON journal article: the journal as PubMed abbreviates it, `issued` as
    "2018-05-01" (month and day optional), `source` as "48(5):A1-A38"."""
    parts = _SOURCE.match(source)
    assert parts is not None, source
    csl: dict[str, Any] = {
        "type": "article-journal",
        "title": title,
        "author": names(authors),
        "container-title": container,
        "issued": {"date-parts": [[int(part) for part in issued.split("-")]]},
    }
    csl.update({key: value for key, value in parts.groupdict().items() if value})
    return csl


@dataclass(frozen=True)
class DemoReference:
    key: str
    type: str
    csl: dict[str, Any]
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    evidence_level: str = ""


ACHILLES = [
    DemoReference(
        "martin2018",
        GUIDELINE,
        journal(
            "Achilles Pain, Stiffness, and Muscle Power Deficits: Midportion Achilles "
            "Tendinopathy Revision 2018",
            "Martin RL, Chimenti R, Cuddeford T, Houck J, Matheson JW, McDonough CM, Paulseth S, "
            "Wukich DK, Carcia CR",
            "J Orthop Sports Phys Ther",
            "2018-05",
            "48(5):A1-A38",
        ),
        doi="10.2519/jospt.2018.0302",
        pmid="29712543",
    ),
    DemoReference(
        "cook2009",
        REVIEW,
        journal(
            "Is tendon pathology a continuum? A pathology model to explain the clinical "
            "presentation of load-induced tendinopathy",
            "Cook JL, Purdam CR",
            "Br J Sports Med",
            "2009-06",
            "43(6):409-416",
        ),
        doi="10.1136/bjsm.2008.051193",
        pmid="18812414",
        evidence_level=EvidenceLevel.OCEBM_5,
    ),
    DemoReference(
        "vanderlinden2002",
        RESEARCH,
        journal(
            "Fluoroquinolones and risk of Achilles tendon disorders: case-control study",
            "van der Linden PD, Sturkenboom MCJM, Herings RMC, Leufkens HGM, Stricker BH",
            "BMJ",
            "2002-06-01",
            "324(7349):1306-1307",
        ),
        doi="10.1136/bmj.324.7349.1306",
        pmid="12039823",
        pmcid="PMC113766",
        evidence_level=EvidenceLevel.OCEBM_3,
    ),
    DemoReference(
        "alfredson1998",
        RESEARCH,
        journal(
            "Heavy-load eccentric calf muscle training for the treatment of chronic Achilles "
            "tendinosis",
            "Alfredson H, Pietilä T, Jonsson P, Lorentzon R",
            "Am J Sports Med",
            "1998-05",
            "26(3):360-366",
        ),
        doi="10.1177/03635465980260030301",
        pmid="9617396",
        evidence_level=EvidenceLevel.OCEBM_3,
    ),
    DemoReference(
        "silbernagel2007",
        RESEARCH,
        journal(
            "Continued sports activity, using a pain-monitoring model, during rehabilitation in "
            "patients with Achilles tendinopathy: a randomized controlled study",
            "Silbernagel KG, Thomeé R, Eriksson BI, Karlsson J",
            "Am J Sports Med",
            "2007-06",
            "35(6):897-906",
        ),
        doi="10.1177/0363546506298279",
        pmid="17307888",
        evidence_level=EvidenceLevel.OCEBM_2,
    ),
    DemoReference(
        "beyer2015",
        RESEARCH,
        journal(
            "Heavy slow resistance versus eccentric training as treatment for Achilles "
            "tendinopathy: a randomized controlled trial",
            "Beyer R, Kongsgaard M, Hougs Kjær B, Øhlenschlæger T, Kjær M, Magnusson SP",
            "Am J Sports Med",
            "2015-07",
            "43(7):1704-1711",
        ),
        doi="10.1177/0363546515584760",
        pmid="26018970",
        evidence_level=EvidenceLevel.OCEBM_2,
    ),
    DemoReference(
        "rompe2007",
        RESEARCH,
        journal(
            "Eccentric loading, shock-wave treatment, or a wait-and-see policy for tendinopathy "
            "of the main body of tendo Achillis: a randomized controlled trial",
            "Rompe JD, Nafe B, Furia JP, Maffulli N",
            "Am J Sports Med",
            "2007-03",
            "35(3):374-383",
        ),
        doi="10.1177/0363546506295940",
        pmid="17244902",
        evidence_level=EvidenceLevel.OCEBM_2,
    ),
    DemoReference(
        "devos2010",
        RESEARCH,
        journal(
            "Platelet-rich plasma injection for chronic Achilles tendinopathy: a randomized "
            "controlled trial",
            "de Vos RJ, Weir A, van Schie HTM, Bierma-Zeinstra SMA, Verhaar JAN, Weinans H, Tol JL",
            "JAMA",
            "2010-01-13",
            "303(2):144-149",
        ),
        doi="10.1001/jama.2009.1986",
        pmid="20068208",
        evidence_level=EvidenceLevel.OCEBM_2,
    ),
    DemoReference(
        "kearney2015",
        SYSTEMATIC_REVIEW,
        journal(
            "Injection therapies for Achilles tendinopathy",
            "Kearney RS, Parsons N, Metcalfe D, Costa ML",
            "Cochrane Database Syst Rev",
            "2015-05",
            "(5):CD010960",
        ),
        doi="10.1002/14651858.CD010960.pub2",
        evidence_level=EvidenceLevel.OCEBM_1,
    ),
    DemoReference(
        "coombes2010",
        SYSTEMATIC_REVIEW,
        journal(
            "Efficacy and safety of corticosteroid injections and other injections for management "
            "of tendinopathy: a systematic review of randomised controlled trials",
            "Coombes BK, Bisset L, Vicenzino B",
            "Lancet",
            "2010-11-20",
            "376(9754):1751-1767",
        ),
        doi="10.1016/S0140-6736(10)61160-9",
        pmid="20970844",
        evidence_level=EvidenceLevel.OCEBM_1,
    ),
]

FEVER = [
    DemoReference(
        "nice-ng143",
        GUIDELINE,
        {
            "type": "report",
            "title": "Fever in under 5s: assessment and initial management",
            "author": [{"literal": "National Institute for Health and Care Excellence"}],
            "publisher": "National Institute for Health and Care Excellence",
            "collection-title": "NICE guideline",
            "number": "NG143",
            "issued": {"date-parts": [[2019, 11, 7]]},
            "URL": "https://www.nice.org.uk/guidance/ng143",
        },
    ),
    DemoReference(
        "sullivan2011",
        GUIDELINE,
        journal(
            "Fever and antipyretic use in children",
            "Sullivan JE, Farrar HC; Section on Clinical Pharmacology and Therapeutics; Committee "
            "on Drugs",
            "Pediatrics",
            "2011-03",
            "127(3):580-587",
        ),
        doi="10.1542/peds.2010-3852",
        pmid="21357332",
    ),
    DemoReference(
        "hay2008",
        RESEARCH,
        journal(
            "Paracetamol plus ibuprofen for the treatment of fever in children (PITCH): "
            "randomised controlled trial",
            "Hay AD, Costelloe C, Redmond NM, Montgomery AA, Fletcher M, Hollinghurst S, Peters TJ",
            "BMJ",
            "2008-09-02",
            "337:a1302",
        ),
        doi="10.1136/bmj.a1302",
        pmid="18765450",
        pmcid="PMC2528896",
        evidence_level=EvidenceLevel.OCEBM_2,
    ),
    DemoReference(
        "mccrindle2017",
        GUIDELINE,
        journal(
            "Diagnosis, Treatment, and Long-Term Management of Kawasaki Disease: A Scientific "
            "Statement for Health Professionals From the American Heart Association",
            "McCrindle BW, Rowley AH, Newburger JW, Burns JC, Bolger AF, Gewitz M, Baker AL, "
            "Jackson MA, Takahashi M, Shah PB, Kobayashi T, Wu MH, Saji TT, Pahl E",
            "Circulation",
            "2017-04-25",
            "135:e927-e999",
        ),
        doi="10.1161/CIR.0000000000000484",
        pmid="28356445",
    ),
    DemoReference(
        "wakefield1998",
        RESEARCH,
        journal(
            "Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive "
            "developmental disorder in children",
            "Wakefield AJ, Murch SH, Anthony A, Linnell J, Casson DM, Malik M, Berelowitz M, "
            "Dhillon AP, Thomson MA, Harvey P, Valentine A, Davies SE, Walker-Smith JA",
            "Lancet",
            "1998-02-28",
            "351(9103):637-641",
        ),
        doi="10.1016/S0140-6736(97)11096-0",
        pmid="9500320",
        evidence_level=EvidenceLevel.OCEBM_4,
    ),
    DemoReference(
        "hviid2019",
        RESEARCH,
        journal(
            "Measles, Mumps, Rubella Vaccination and Autism: A Nationwide Cohort Study",
            "Hviid A, Hansen JV, Frisch M, Melbye M",
            "Ann Intern Med",
            "2019-04-16",
            "170(8):513-520",
        ),
        doi="10.7326/M18-2101",
        pmid="30831578",
        evidence_level=EvidenceLevel.OCEBM_3,
    ),
    DemoReference(
        "taylor2014",
        META_ANALYSIS,
        journal(
            "Vaccines are not associated with autism: an evidence-based meta-analysis of "
            "case-control and cohort studies",
            "Taylor LE, Swerdfeger AL, Eslick GD",
            "Vaccine",
            "2014-06-17",
            "32(29):3623-3629",
        ),
        doi="10.1016/j.vaccine.2014.04.085",
        pmid="24814559",
        evidence_level=EvidenceLevel.OCEBM_2,
    ),
]

FALLS = [
    DemoReference(
        "sanders2010",
        RESEARCH,
        journal(
            "Annual high-dose oral vitamin D and falls and fractures in older women: a randomized "
            "controlled trial",
            "Sanders KM, Stuart AL, Williamson EJ, Simpson JA, Kotowicz MA, Young D, Nicholson GC",
            "JAMA",
            "2010-05-12",
            "303(18):1815-1822",
        ),
        doi="10.1001/jama.2010.594",
        pmid="20460620",
        evidence_level=EvidenceLevel.OCEBM_2,
    ),
    DemoReference(
        "bolland2018",
        META_ANALYSIS,
        journal(
            "Effects of vitamin D supplementation on musculoskeletal health: a systematic review, "
            "meta-analysis, and trial sequential analysis",
            "Bolland MJ, Grey A, Avenell A",
            "Lancet Diabetes Endocrinol",
            "2018-11",
            "6(11):847-858",
        ),
        doi="10.1016/S2213-8587(18)30265-1",
        pmid="30293909",
        evidence_level=EvidenceLevel.OCEBM_1,
    ),
    DemoReference(
        "uspstf2018-falls",
        GUIDELINE,
        journal(
            "Interventions to Prevent Falls in Community-Dwelling Older Adults: US Preventive "
            "Services Task Force Recommendation Statement",
            "US Preventive Services Task Force",
            "JAMA",
            "2018-04-24",
            "319(16):1696-1704",
        ),
        doi="10.1001/jama.2018.3097",
    ),
    DemoReference(
        "sherrington2019",
        SYSTEMATIC_REVIEW,
        journal(
            "Exercise for preventing falls in older people living in the community",
            "Sherrington C, Fairhall NJ, Wallbank GK, Tiedemann A, Michaleff ZA, Howard K, "
            "Clemson L, Hopewell S, Lamb SE",
            "Cochrane Database Syst Rev",
            "2019-01-31",
            "(1):CD012424",
        ),
        doi="10.1002/14651858.CD012424.pub2",
        pmid="30703272",
        pmcid="PMC6360922",
        evidence_level=EvidenceLevel.GRADE_HIGH,
    ),
]

REFERENCES = [*ACHILLES, *FEVER, *FALLS]

# The retraction, as the editor records it in a new version of the reference.
RETRACTED_KEY = "wakefield1998"
RETRACTION_NOTE = (
    "Retracted by The Lancet on 2 February 2010 (Lancet 2010;375:445): the claims that "
    "the children were consecutively referred and that the investigations were approved by the "
    "ethics committee were found to be false."
)
IMPORT_NOTE = "Imported from PubMed"
