"""A claim's figures as the lab writes numbers, with digits enough to tell them from bounds."""

from engine.number_text import percent, short
from scenarios.claim_figures import COUNT, FRACTION, NUMBER, apart, bound, kind_of, written


def test_figures_are_the_labs_formats():
    assert written(1280.0, COUNT) == "1,280"
    assert written(1280.5, COUNT) == short(1280.5) == "1,280"  # not a count, grouped alike
    assert written(6.08741e10, NUMBER) == "6.087e10"
    assert written(3.52476e-05, NUMBER) == "3.525e-5"
    assert written(0.875, FRACTION) == percent(0.875) == "87.5%"
    assert [written(x, NUMBER) for x in (float("nan"), float("inf"))] == ["nan", "inf"]


def test_kinds():
    assert kind_of({"metric": "accuracy"}) == FRACTION
    assert kind_of({"metric": "dead_fraction", "relative_to": 7}) == NUMBER  # a ratio
    assert kind_of({"metric": "steps"}) == COUNT
    assert kind_of({"metric": "loss"}) == NUMBER


def test_a_figure_reads_on_its_side_of_every_bound():
    assert apart([0.99996], NUMBER, [1.0]) == ["0.99996"]  # not "1" (needs < 1)
    assert apart([1.00004], NUMBER, [1.0]) == ["1.00004"]
    assert apart([0.69315], NUMBER, [0.5]) == ["0.6932"]  # four digits where they do
    assert apart([1.0], NUMBER, [1.0]) == ["1"]  # equal where equal
    # 0.2984 would read above a bound 0.298371109 that the figure is below
    assert apart([0.29837], NUMBER, [0.298371109]) == ["0.29837"]
    # within a tolerance: apart from near and from near ± tolerance
    near, tolerance = 0.298371109, 1e-9
    q = 0.29837110876
    assert apart([q], NUMBER, [near, near - tolerance, near + tolerance]) == ["0.2983711088"]
    assert apart([0.95004], FRACTION, [0.95]) == ["95.004%"]  # not "95% (needs > 95%)"
    assert apart([0.0], FRACTION, [1e-9]) == ["0%"]


def test_figures_set_against_each_other_order_as_they_are():
    assert apart([0.69312, 0.69314], NUMBER) == ["0.69312", "0.69314"]  # not both 0.6931
    assert apart([2.236, 0.581], NUMBER) == ["2.236", "0.581"]
    assert apart([1280.0, 20.0], COUNT) == ["1,280", "20"]


def test_bounds_are_written_with_the_digits_that_give_them():
    assert bound(0.298371109, NUMBER) == "0.298371109"  # not 0.2984
    assert bound(1e-9, NUMBER) == "1e-9"
    assert bound(1e6, NUMBER) == "1e6"
    assert bound(2.0, NUMBER) == "2"
    assert bound(64.01, NUMBER) == "64.01"
    assert bound(2000.0, COUNT) == "2,000"
    assert bound(0.6, FRACTION) == "60%"
    assert bound(0.9512, FRACTION) == "95.12%"  # not 95.1%
    assert bound(1e-9, FRACTION) == "1e-7%"
