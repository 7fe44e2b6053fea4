import itertools
import re
import xml.etree.ElementTree as ET

import pytest

from actionhub.parliament.hexmap import (
    HEXMAP_COLOURS,
    HexArea,
    hexmap_bin_colours,
    hexmap_bin_index,
    hexmap_bins,
    hexmap_svg,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
LIGHTEST, DARKEST = HEXMAP_COLOURS[0], HEXMAP_COLOURS[-1]


def parse(svg):
    return ET.fromstring(svg)  # noqa: S314  (our own output, parsed to check it is well formed)


def hexes(root):
    """The map's hexagons by GSS code (legend swatches are rects, not paths)."""
    return {path.get("data-code"): path for path in root.iter(f"{SVG}path")}


def top_corner(path):
    """Where a hexagon's outline starts: its top corner, straight above its centre."""
    match = re.match(r"M(-?[\d.]+)[ ,](-?[\d.]+)", path.get("d"))
    assert match, path.get("d")
    return float(match[1]), float(match[2])


def area(code, q, r, value=0, name=None):
    return HexArea(code=code, name=name or f"Place {code}", q=q, r=r, value=value)


def test_well_formed_with_one_titled_shape_per_area():
    areas = [area("E1", 0, 0, 3), area("E2", 1, 0, 0), area("S1", 0, 1, 12), area("W1", 2, -1, 7)]

    root = parse(hexmap_svg(areas, title="Letters", value_label="letters"))

    shapes = hexes(root)
    assert sorted(shapes) == ["E1", "E2", "S1", "W1"]
    assert shapes["E1"].find("svg:title", NS).text == "Place E1: 3 letters"
    assert shapes["E2"].find("svg:title", NS).text == "Place E2: 0 letters"
    assert shapes["S1"].find("svg:title", NS).text == "Place S1: 12 letters"
    assert shapes["W1"].find("svg:title", NS).text == "Place W1: 7 letters"


def test_large_values_use_thousands_separators():
    shapes = hexes(parse(hexmap_svg([area("E1", 0, 0, 1234)], title="T", value_label="letters")))

    assert shapes["E1"].find("svg:title", NS).text == "Place E1: 1,234 letters"


def test_root_is_an_accessible_image_labelled_by_its_title_and_desc():
    root = parse(
        hexmap_svg(
            [area("E1", 0, 0, 1)],
            title="Pledges",
            value_label="signatures",
            description="Signatures so far.",
        )
    )

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox"))
    title_id, desc_id = root.get("aria-labelledby").split()
    title = root.find(f"svg:title[@id='{title_id}']", NS)
    desc = root.find(f"svg:desc[@id='{desc_id}']", NS)
    assert title.text == "Pledges"
    assert desc.text.startswith("Signatures so far.")


def test_fill_runs_from_lightest_for_zero_to_darkest_for_the_maximum():
    areas = [area(f"E{v}", v, 0, v) for v in (0, 1, 25, 50, 75, 100)]

    shapes = hexes(parse(hexmap_svg(areas, title="Letters", value_label="letters")))

    assert shapes["E0"].get("fill") == LIGHTEST
    assert shapes["E100"].get("fill") == DARKEST
    assert shapes["E1"].get("fill") not in (LIGHTEST, DARKEST)
    order = [HEXMAP_COLOURS.index(shapes[f"E{v}"].get("fill")) for v in (0, 1, 25, 50, 75, 100)]
    assert order == sorted(order)
    assert len(set(order)) == len(HEXMAP_COLOURS)


def test_maximum_is_darkest_even_when_it_is_small():
    shapes = hexes(
        parse(hexmap_svg([area("A", 0, 0, 0), area("B", 1, 0, 1)], title="T", value_label="x"))
    )

    assert shapes["A"].get("fill") == LIGHTEST
    assert shapes["B"].get("fill") == DARKEST


def test_odd_rows_sit_half_a_hexagon_right_of_even_rows():
    areas = [
        area("even0", 0, 0),
        area("even1", 1, 0),
        area("odd", 0, 1),
        area("negodd", 0, -1),
        area("even2", 0, 2),
    ]

    shapes = hexes(parse(hexmap_svg(areas, title="T", value_label="x")))

    hex_width = top_corner(shapes["even1"])[0] - top_corner(shapes["even0"])[0]
    assert hex_width > 5
    x_even = top_corner(shapes["even0"])[0]
    assert top_corner(shapes["odd"])[0] - x_even == pytest.approx(hex_width / 2, abs=0.15)
    assert top_corner(shapes["negodd"])[0] - x_even == pytest.approx(hex_width / 2, abs=0.15)
    assert top_corner(shapes["even2"])[0] == pytest.approx(x_even, abs=0.1)


def test_higher_rows_are_further_north_so_drawn_higher_up():
    # As in the real HexJSON: Orkney has the highest r, Cornwall the lowest.
    areas = [area("cornwall", 43, -46), area("middle", 57, -23), area("orkney", 51, 0)]

    shapes = hexes(parse(hexmap_svg(areas, title="T", value_label="x")))

    y = {code: top_corner(path)[1] for code, path in shapes.items()}
    assert y["orkney"] < y["middle"] < y["cornwall"]


def test_names_are_escaped_and_round_trip():
    name = 'Bath & "North" <East> Somerset\'s'
    svg = hexmap_svg(
        [area("E1", 0, 0, 2, name=name)], title="Q&A <map>", value_label="letters & cards"
    )

    assert "Bath & " not in svg
    assert "<East>" not in svg
    root = parse(svg)
    assert hexes(root)["E1"].find("svg:title", NS).text == f"{name}: 2 letters & cards"
    assert root.find("svg:title", NS).text == "Q&A <map>"


def test_two_maps_have_different_ids():
    first = parse(hexmap_svg([area("E1", 0, 0, 1)], title="Letters", value_label="letters"))
    second = parse(hexmap_svg([area("E1", 0, 0, 1)], title="Signatures", value_label="signatures"))

    first_ids = {el.get("id") for el in first.iter() if el.get("id")}
    second_ids = {el.get("id") for el in second.iter() if el.get("id")}
    assert len(first_ids) == 2
    assert len(second_ids) == 2
    assert not first_ids & second_ids


def test_same_title_twice_still_gets_different_ids():
    svgs = [hexmap_svg([area("E1", 0, 0)], title="Map", value_label="x") for _ in range(2)]

    assert parse(svgs[0]).get("aria-labelledby") != parse(svgs[1]).get("aria-labelledby")


def test_areas_without_positions_are_left_out():
    areas = [area("E1", 0, 0, 1), HexArea("E2", "Nowhere", None, 3, 9), area("E3", 1, 0, 2)]
    areas.append(HexArea("E4", "Nowhere either", 2, None, 9))

    root = parse(hexmap_svg(areas, title="T", value_label="x"))

    assert sorted(hexes(root)) == ["E1", "E3"]
    # The unplaced nine does not set the top of the scale.
    assert hexes(root)["E3"].get("fill") == DARKEST


def test_empty_map_says_so():
    root = parse(hexmap_svg([], title="Letters", value_label="letters"))

    assert not hexes(root)
    texts = ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]
    assert texts == ["No constituencies with map positions yet."]
    assert root.get("role") == "img"
    assert len(root.get("aria-labelledby").split()) == 2


def test_only_unplaced_areas_counts_as_empty():
    root = parse(hexmap_svg([HexArea("E1", "X", None, None, 3)], title="T", value_label="x"))

    assert not hexes(root)
    assert "No constituencies with map positions yet." in ET.tostring(root, encoding="unicode")


def test_no_scripts_links_or_external_references():
    svg = hexmap_svg(
        [area(f"E{i}", i % 20, i // 20, i) for i in range(100)], title="T", value_label="x"
    )

    lowered = svg.lower()
    for banned in ("<script", "href", "url(", "<foreignobject", "<image", "<style", "<a "):
        assert banned not in lowered
    assert not re.search(r"\son\w+=", lowered)  # no event handler attributes
    assert lowered.count("http") == 1  # the namespace declaration


def test_legend_lists_every_bin_with_its_colour():
    root = parse(hexmap_svg([area("A", 0, 0, 0), area("B", 1, 0, 100)], title="T", value_label="x"))

    texts = ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]
    assert texts == ["X per constituency", "0", "1–25", "26–50", "51–75", "76–100"]
    swatches = [rect.get("fill") for rect in root.iter(f"{SVG}rect")]
    assert swatches == list(HEXMAP_COLOURS)


def test_coordinates_are_rounded_and_size_stays_modest():
    areas = [area(f"E{i:03}", 40 + i % 30, -(i // 30), i) for i in range(650)]

    svg = hexmap_svg(areas, title="T", value_label="letters")

    assert len(hexes(parse(svg))) == 650
    assert svg.count('stroke="#ffffff"') == 1  # shared by the group, not repeated per hexagon
    for path in hexes(parse(svg)).values():
        x, y = re.match(r"M([\d.]+) ([\d.]+)", path.get("d")).groups()
        assert len(x.partition(".")[2]) <= 1 and len(y.partition(".")[2]) <= 1
    assert len(svg) < 150_000


@pytest.mark.parametrize("max_value", [0, 1, 2, 3, 4, 5, 7, 10, 99, 100, 257, 1234, 98765])
def test_bins_cover_zero_to_max_without_gaps(max_value):
    bins = hexmap_bins(max_value)

    assert bins[0] == (0, 0)
    assert bins[-1][1] == max_value
    assert len(bins) <= len(HEXMAP_COLOURS)
    for (_, high), (low, _) in itertools.pairwise(bins):
        assert low == high + 1
    assert all(low <= high for low, high in bins)
    colours = hexmap_bin_colours(bins)
    assert len(colours) == len(bins)
    assert colours[0] == LIGHTEST
    assert colours[-1] == (DARKEST if max_value else LIGHTEST)
    assert hexmap_bin_index(max_value, bins) == len(bins) - 1
    assert hexmap_bin_index(0, bins) == 0


def test_bins_use_five_steps_for_larger_maxima():
    assert hexmap_bins(100) == [(0, 0), (1, 25), (26, 50), (51, 75), (76, 100)]
    assert hexmap_bins(1234) == [(0, 0), (1, 310), (311, 620), (621, 930), (931, 1234)]
