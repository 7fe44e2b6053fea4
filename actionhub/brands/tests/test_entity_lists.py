"""Importing entity lists: both formats, versions, licences, and broken files refused whole."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from actionhub.brands.models import EntityList, EntityListVersion, ListedEntity

FIXTURES = Path(__file__).parent / "fixtures"


def test_opensanctions_targets_import_per_dataset_with_licence_and_kind(db, capsys):
    call_command("import_entity_list", str(FIXTURES / "targets.simple.csv"),
                 format="opensanctions", date="2026-11-01")  # fmt: skip

    uflpa = EntityList.objects.get(slug="us_dhs_uflpa")
    shu = EntityList.objects.get(slug="shu_uyghur_companies")
    assert uflpa.kind == EntityList.Kind.DESIGNATION
    assert shu.kind == EntityList.Kind.RISK
    version = uflpa.current
    assert version.licence == "CC BY-NC 4.0 (OpenSanctions)"
    assert version.entity_count == 3  # the person is skipped
    on_both = ListedEntity.objects.filter(external_id="NK-demo5")
    assert {e.version.entity_list.slug for e in on_both} == {"us_dhs_uflpa", "shu_uyghur_companies"}
    cotton = ListedEntity.objects.get(external_id="NK-demo1")
    assert cotton.aliases == ["Example Cotton", "示例新疆棉业有限公司"]
    assert cotton.date_added.isoformat() == "2023-06-09"
    out = capsys.readouterr().out
    assert "UFLPA Entity List: 3 entities (legal designation, CC BY-NC 4.0" in out
    assert "1 row that is not an organisation was skipped" in out


def test_each_import_is_a_new_version(db):
    for _ in range(2):
        call_command("import_entity_list", str(FIXTURES / "targets.simple.csv"),
                     format="opensanctions")  # fmt: skip
    uflpa = EntityList.objects.get(slug="us_dhs_uflpa")
    assert uflpa.versions.count() == 2
    assert uflpa.current.entities.count() == 3


def test_our_csv_needs_the_list_to_be_known_or_a_kind(db):
    with pytest.raises(CommandError, match="the list 'campaign-research' is new"):
        call_command("import_entity_list", str(FIXTURES / "entities.csv"), licence="CC BY 4.0")

    call_command("import_entity_list", str(FIXTURES / "entities.csv"), licence="CC BY 4.0",
                 kind="risk")  # fmt: skip
    hair = ListedEntity.objects.get(name="Example Hair Accessories Co.")
    assert hair.aliases == ["Example Hair", "示例发饰"]
    assert hair.source_url == "https://example.org/research/1"
    assert hair.version.entity_list.kind == EntityList.Kind.RISK


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"name,aliases\nX,\n",
            "line 1: missing column(s): country, date added, list, source link",
        ),
        (
            b"name,aliases,country,list,date added,source link\n,,,l,,\n",
            "line 2: the name is empty",
        ),
        (
            b"name,aliases,country,list,date added,source link\nA,,,l,12/06/2024,\n",
            "line 2: '12/06/2024' is not a date like 2024-06-12",
        ),
        (
            b"name,aliases,country,list,date added,source link\nA,,,l,,\nB\xff,,,l,,\n",
            "line 3: this is not UTF-8 text",
        ),
        (b"name,aliases,country,list,date added,source link\n", "has no entities to import"),
        (b"", "line 1: missing column(s)"),
    ],
)
def test_a_broken_file_is_refused_whole(db, tmp_path, content, message):
    path = tmp_path / "list.csv"
    path.write_bytes(content)

    with pytest.raises(CommandError) as refused:
        call_command("import_entity_list", str(path), licence="CC BY 4.0", kind="risk")

    assert message in str(refused.value)
    assert str(refused.value).startswith("Nothing imported. list.csv")

    assert not EntityListVersion.objects.exists()
    assert not ListedEntity.objects.exists()


def test_a_licence_is_required_for_our_csv(db):
    with pytest.raises(CommandError, match="under which licence"):
        call_command("import_entity_list", str(FIXTURES / "entities.csv"), kind="risk")
