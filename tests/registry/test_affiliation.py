import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from silkbridge.registry.affiliation import AffiliationMatcher, Organisation, normalise
from silkbridge.registry.match_affiliations import organisations_from_ror

REGISTRY = [
    Organisation("verona", "University of Verona", ["Università degli Studi di Verona"], ["UNIVR"], "IT", "Verona"),
    Organisation("ucsf", "University of California, San Francisco", [], [], "US", "San Francisco", parents=["uc"]),
    Organisation("uc", "University of California System", ["University of California"], [], "US", "Oakland"),
    Organisation("cuhk", "Chinese University of Hong Kong", ["香港中文大學"], ["CUHK"], "HK", "Hong Kong"),
    Organisation("hku", "University of Hong Kong", [], ["HKU"], "HK", "Hong Kong"),
    Organisation("nu-us", "Northeastern University", [], [], "US", "Boston"),
    Organisation("nu-cn", "Northeastern University", [], [], "CN", "Shenyang"),
    Organisation("oslo", "University of Oslo", [], [], "NO", "Oslo"),
    Organisation("ibms", "Institute of Basic Medical Sciences", [], [], "NO", "Oslo", parents=["oslo"]),
    Organisation("uh-a", "University Hospital", [], [], "US", "Augusta"),
    Organisation("wustl", "Washington University in St. Louis", ["Washington University"], [], "US", "St Louis"),
    Organisation("uw", "University of Washington", [], [], "US", "Seattle"),
    Organisation(
        "msu", "Lomonosov Moscow State University", ["Московский государственный университет"], ["MSU"], "RU", "Moscow"
    ),
    Organisation("huji", "Hebrew University of Jerusalem", [], [], "IL", "Jerusalem"),
    Organisation("imu", "Innsbruck Medical University", [], [], "AT", "Innsbruck"),
    Organisation("uibk", "Universität Innsbruck", ["University of Innsbruck"], [], "AT", "Innsbruck"),
    Organisation("wue", "University of Würzburg", [], [], "DE", "Würzburg"),
    Organisation("utokyo", "The University of Tokyo", [], [], "JP", "Tokyo"),
    Organisation("tus", "Tokyo University of Science", ["Science University of Tokyo"], [], "JP", "Tokyo"),
    Organisation("army", "United States Army", [], ["USA"], "US", "Arlington"),
    Organisation("ou", "The Open University", [], [], "GB", "Milton Keynes"),
    Organisation("ulster", "University of Ulster", [], [], "GB", "Coleraine"),
    Organisation("tud", "Technische Universität Dresden", [], [], "DE", "Dresden"),
    Organisation("hzau", "Huazhong Agricultural University", [], [], "CN", "Wuhan"),
    # uses the spelling "Wuerzburg", so that the word is not read as a misspelling
    Organisation("thws", "Technical University of Applied Sciences Wuerzburg-Schweinfurt", [], [], "DE", "Würzburg"),
    Organisation("gsu", "Georgia State University", [], [], "US", "Atlanta"),
    Organisation("rutgers", "Rutgers University", [], [], "US", "New Brunswick"),
    Organisation("leipzig", "Leipzig University", [], [], "DE", "Leipzig"),
    Organisation("hu", "Humboldt-Universität zu Berlin", [], [], "DE", "Berlin"),
    Organisation("lmu", "Ludwig Maximilian University of Munich", [], ["LMU"], "DE", "Munich"),
    Organisation("lmu-us", "Loyola Marymount University", [], ["LMU"], "US", "Los Angeles"),
    Organisation("uab", "Universidade Aberta", ["Open University"], [], "PT", "Lisbon"),
    *(
        Organisation(f"h{n}", f"{city} Hospital", [], [], "FR", city)
        for n, city in enumerate(["Lyon", "Nice", "Metz", "Caen", "Pau", "Albi"])
    ),
]
MATCHER = AffiliationMatcher(REGISTRY)


def test_normalise_folds_accents_case_punctuation_and_abbreviations() -> None:
    assert normalise("Dept. of Physics, Univ. of Verona") == ["department", "physics", "university", "verona"]
    assert normalise("Università degli Studi di Verona") == ["universita", "studi", "verona"]
    assert normalise("King's Centre & Lab") == ["kings", "center", "laboratory"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Department of Diagnostics, University of Verona, Verona, Italy", "verona"),
        ("Dipartimento di Medicina, Università degli Studi di Verona", "verona"),
        ("Dept. of Physics, Univ. of Verona", "verona"),
        ("Department of Surgery, University of California, San Francisco, CA, USA", "ucsf"),
        ("Department of Psychiatry, The Chinese University of Hong Kong", "cuhk"),
        ("香港中文大學", "cuhk"),
        ("Division of Physiology, Institute of Basic Medical Sciences, University of Oslo", "oslo"),
        ("Northeastern University, Shenyang, China", "nu-cn"),
        ("Washington University School of Medicine", "wustl"),
        ("Московский государственный университет", "msu"),
        # the name without its place, or with the place moved
        ("Department of Pharmacology, Hebrew University", "huji"),
        ("Institute of Cell Biology, Medical University of Innsbruck", "imu"),
        # misspelt words
        ("Department of Microbiology, University of Wuerzburg", "wue"),
        ("Division of Physiology, Institue of Basic Medical Sciences, Univrsity of Oslo", "oslo"),
        ("Department of Biology, Univeristy of Oslo", "oslo"),
        # a country inside the name, or a place named after one, is not the country meant
        ("Department of Chemistry, Georgia State University", "gsu"),
        ("New Jersey Medical School, Rutgers University", "rutgers"),
        # a name that begins with its place, written with the place last
        ("Institute of Biology, University of Leipzig", "leipzig"),
        # "Universität" written "University"
        ("Institute of Biology, Humboldt University of Berlin", "hu"),
        # an acronym that two organisations have, with the place that tells them apart
        ("LMU, Munich, Germany", "lmu"),
        # a name across a comma is made of whole parts: not "Science University of Tokyo"
        ("Graduate School of Frontier Sciences, The University of Tokyo", "utokyo"),
        # a parent inside the unit's own name is not named apart: the unit is meant
        ("Department of Surgery, University of California, San Francisco", "ucsf"),
        # "USA" is the country here, not the acronym of the army
        ("Washington University School of Medicine, St. Louis, MO, USA", "wustl"),
        # its own name rather than another organisation's translated one
        ("Faculty of Arts, The Open University", "ou"),
        # an umlaut written out, where the registry also has the written-out word
        ("Department of Biochemistry, University of Wuerzburg", "wue"),
        # "University of Ulster" as "Ulster University"; "Technische" as "Technical"
        ("School of Nursing, Ulster University", "ulster"),
        ("Department of Psychology, Technical University Dresden", "tud"),
        # "Agriculture" for "Agricultural"
        ("College of Fisheries, Huazhong Agriculture University", "hzau"),
        # the other word order is not used where it is another organisation's name
        ("Department of Biology, University of Washington", "uw"),
        # footnote numbers between the parts
        ("University of California, San Francisco 3 Department of Surgery, , San Francisco, CA, USA", "ucsf"),
    ],
)
def test_matches_the_organisation_named(text: str, expected: str) -> None:
    result = MATCHER.match(text)
    assert result.id == expected, result


def test_the_match_says_why() -> None:
    result = MATCHER.match("Department of Diagnostics, University of Verona, Verona, Italy")
    assert "name" in result.reason and "city agrees" in result.reason and "country agrees" in result.reason
    # a city inside the name itself is not a city named
    assert "city agrees" not in MATCHER.match("Department of Diagnostics, University of Verona").reason


def test_abstains_when_two_organisations_fit_equally() -> None:
    result = MATCHER.match("Department of Chemistry, Northeastern University")
    assert result.id is None and set(result.candidates) == {"nu-us", "nu-cn"}


def test_a_country_that_disagrees_rules_a_candidate_out() -> None:
    assert MATCHER.match("University of Oslo, Verona, Italy").id is None


def test_a_generic_name_needs_its_city() -> None:
    assert MATCHER.match("Cardiology, University Hospital, Lyon").id is None
    assert MATCHER.match("Cardiology, University Hospital, Augusta, GA").id == "uh-a"


def test_a_long_name_of_common_words_is_specific_enough() -> None:
    cities = ["Nanjing", "Shenyang", "Hunan", "Sichuan", "Yunnan", "Anhui"]
    kinds = ["{} Agricultural University", "South {} College", "China {} Institute"]
    matcher = AffiliationMatcher(
        [
            *(Organisation(f"{k}{c}", kind.format(city), [], [], "CN", city) for k, kind in enumerate(kinds)
              for c, city in enumerate(cities)),
            Organisation("scau", "South China Agricultural University", [], [], "CN", "Guangzhou"),
            Organisation("au", "Agricultural University", [], [], "CN", "Baoding"),
            Organisation("cau", "China Agricultural University", [], [], "CN", "Beijing"),
        ]
    )  # fmt: skip
    assert {"south", "agricultural", "university"} <= matcher.generic and "china" not in matcher.generic
    assert matcher.match("Department of Entomology, South China Agricultural University").id == "scau"
    assert matcher.match("Department of Entomology, Agricultural University").id is None
    assert matcher.match("Department of Entomology, Agricultural University, Baoding").id == "au"
    # a country among the words is a place: three common words, one of them "China", name one university
    assert matcher.match("College of Biological Sciences, China Agricultural University").id == "cau"


def test_a_misspelt_word_is_read_as_the_far_commoner_of_two_words_it_could_be() -> None:
    matcher = AffiliationMatcher(
        [
            *(Organisation(f"u{n}", f"University of {city}", [], [], "DE", city)
              for n, city in enumerate(["Göttingen", "Bonn", "Kiel", "Jena", "Halle", "Mainz", "Trier", "Ulm",
                                        "Passau", "Bayreuth"])),
            Organisation("typo", "Fachhochschule Universtiy Trier", [], [], "DE", "Trier"),
        ]
    )  # fmt: skip
    # "Universtity" is one letter from both "University" (ten names) and "Universtiy" (one)
    assert matcher.match("Universtity of Göttingen").id == "u0"


def test_a_translated_university_never_reads_as_another_organisations_name() -> None:
    matcher = AffiliationMatcher(
        [
            Organisation("oslo", "University of Oslo", [], [], "NO", "Oslo", kind="facility"),
            Organisation("other", "Universidad de Oslo", [], [], "CL", "Santiago", kind="education"),
        ]
    )
    # "University of Oslo" is the Norwegian one's own name, not the other's translated (which,
    # a university, would otherwise be preferred)
    assert matcher.match("Department of Biology, University of Oslo").id == "oslo"
    assert matcher.match("Universidad de Oslo").id == "other"


def test_an_acronym_several_organisations_have_needs_the_place() -> None:
    assert MATCHER.match("LMU").id is None
    assert MATCHER.match("LMU, Los Angeles").id == "lmu-us"


def test_nothing_recognisable_gives_no_match() -> None:
    assert MATCHER.match("Business Economics").id is None
    assert MATCHER.match("   ").id is None


def test_evaluation_command_writes_predictions(tmp_path: Path) -> None:
    data = Path(__file__).resolve().parent.parent / "data"
    source = tmp_path / "affiliations.csv"
    source.write_text(
        'affiliation,note\n"Institute of X, Heilongjiang Academy of Sciences, Harbin, China",a\nNothing Here,b\n',
        encoding="utf-8",
    )
    out = tmp_path / "predictions.csv"
    command = [sys.executable, "-m", "silkbridge.registry.match_affiliations", "--registry",
               str(data / "ror_v2_sample.jsonl"), str(data / "ror_v1_sample.csv"),
               "--input", str(source), "--out", str(out)]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["predicted_id"] for r in rows] == ["https://ror.org/00hqwyj63", ""]
    assert rows[0]["note"] == "a" and float(rows[0]["score"]) > 0


def test_two_campuses_without_their_place_make_the_matcher_abstain() -> None:
    matcher = AffiliationMatcher(
        [
            Organisation("umb", "University of Maryland, Baltimore", [], [], "US", "Baltimore"),
            Organisation("umcp", "University of Maryland, College Park", [], [], "US", "College Park"),
        ]
    )
    assert matcher.match("Department of Biology, University of Maryland").id is None
    assert matcher.match("Department of Biology, University of Maryland, College Park").id == "umcp"


def test_a_withdrawn_record_is_read_as_its_successor_an_inactive_one_is_kept(tmp_path: Path) -> None:
    def record(ror_id: str, name: str, status: str, successor: str = "") -> str:
        relationships = [{"type": "successor", "id": f"https://ror.org/{successor}", "label": ""}] if successor else []
        return json.dumps(
            {
                "id": f"https://ror.org/{ror_id}",
                "status": status,
                "types": ["education"],
                "names": [{"value": name, "types": ["ror_display", "label"], "lang": "en"}],
                "locations": [{"geonames_details": {"country_code": "US", "name": "Baltimore"}}],
                "relationships": relationships,
            }
        )

    path = tmp_path / "ror.jsonl"
    path.write_text(
        record("00za53h95", "Johns Hopkins University", "active") + "\n"
        + record("037zgn354", "Johns Hopkins University School of Medicine", "withdrawn", "00za53h95") + "\n"
        # inactive: it existed and closed (merged into its successor); a paper of its time names it
        + record("04asdee31", "Université Marie et Louis Pasteur", "active") + "\n"
        + record("02rx3b187", "Université de Franche-Comté", "inactive", "04asdee31") + "\n",
        encoding="utf-8",
    )  # fmt: skip
    organisations = organisations_from_ror([path])
    assert sorted(o.id for o in organisations) == [
        "https://ror.org/00za53h95", "https://ror.org/02rx3b187", "https://ror.org/04asdee31"
    ]  # fmt: skip
    matcher = AffiliationMatcher(organisations)
    assert matcher.match("Department of Pathology, Johns Hopkins University School of Medicine").id == (
        "https://ror.org/00za53h95"
    )
    assert matcher.match("Centre de Génétique Humaine, Université de Franche-Comté").id == "https://ror.org/02rx3b187"
    assert matcher.match("Université Marie et Louis Pasteur, Besançon").id == "https://ror.org/04asdee31"
