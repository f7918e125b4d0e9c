"""Fuzzing the data-file readers: generated CSV and .npz files — malformed,
binary, damaged, declaring huge arrays, holding objects — are read into a Dataset or refused
with one ValueError line; never another exception, never past the time bound. A bounded,
deterministic budget; the campaign in tests/fuzz/ runs thousands (``pytest -m fuzz``)."""

from __future__ import annotations

from fuzzing import ci_budget, csv_files, data_file_target, data_sections, npz_files
from hypothesis import given
from hypothesis import strategies as st

BUDGET = ci_budget(80)
losses = st.sampled_from(["mse", "quadratic", "bce", "cross_entropy"])


@BUDGET
@given(content=csv_files(), section=data_sections, loss=losses)
def test_generated_csv_files_are_read_or_refused_in_one_line(tmp_path, content, section, loss):
    data_file_target("csv", content, section, loss, tmp_path)


@BUDGET
@given(content=npz_files(), section=data_sections, loss=losses)
def test_generated_npz_files_are_read_or_refused_in_one_line(tmp_path, content, section, loss):
    data_file_target("npz", content, section, loss, tmp_path)
