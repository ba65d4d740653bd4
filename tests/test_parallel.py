"""The parallel study (Dask, partitions of articles) gives exactly the tables of one process."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from newslens import parallel
from newslens.export import TABLES, export_tables
from newslens.study import Study
from newslens.terms import VIEWS

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"

#: Every table of a study (attributes and the per-view tables).
ATTRIBUTES = ["articles", "lines", "stats", "sentences", "paragraphs", "facts", "event_status", "actor_mentions",
              "word_choices", "quotes", "reuse", "reuse_clusters", "frame_codes", "frame_scores", "entman",
              "responsibility", "issue_frames", "tone", "labels", "unknown_names"]


@pytest.fixture(scope="module")
def large_story(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("large") / "data"
    subprocess.run([sys.executable, str(FIXTURES / "make_large_story.py"), str(out), "--captures", "24"], check=True)
    return out


FOLDERS = {"seeds": lambda _: ROOT / "data", "synthetic": lambda _: FIXTURES / "synthetic_story", "large": lambda lg: lg}


@pytest.fixture(scope="module")
def single(large_story):
    """The single-process study of each folder, every table computed."""
    studies = {}
    for name, folder in FOLDERS.items():
        studies[name] = Study(folder(large_story))
        _tables(studies[name])
    return studies


def _tables(study: Study) -> dict[str, object]:
    out = {name: getattr(study, name) for name in ATTRIBUTES}
    for view in VIEWS:
        out[f"documents_{view}"] = study.documents(view)
        out[f"term_table_{view}"] = study.term_table(view)
    out["by_date"] = study.by_date
    return out


def assert_same_study(parallel_study: Study, single_study: Study) -> None:
    got, want = _tables(parallel_study), _tables(single_study)
    for name, table in want.items():
        if isinstance(table, pd.DataFrame):
            pd.testing.assert_frame_equal(got[name], table, obj=name)
        elif isinstance(table, pd.Series):
            pd.testing.assert_series_equal(got[name], table, obj=name)
        else:
            assert got[name] == table, name


def assert_same_export(parallel_study: Study, single_study: Study, tmp_path: Path) -> None:
    a, b = tmp_path / "single", tmp_path / "parallel"
    export_tables(single_study, a)
    export_tables(parallel_study, b)
    for name in TABLES:
        assert (b / f"{name}.csv").read_bytes() == (a / f"{name}.csv").read_bytes(), name


@pytest.mark.parametrize("folder", list(FOLDERS))
def test_two_processes_one_article_per_partition(folder, single, large_story, tmp_path):
    study = Study(FOLDERS[folder](large_story), workers=2, partition_size=1)
    assert_same_study(study, single[folder])
    assert_same_export(study, single[folder], tmp_path)


@pytest.mark.parametrize("folder", list(FOLDERS))
def test_two_processes_more_partitions_than_articles(folder, single, large_story):
    n = len(single[folder].articles)
    assert_same_study(Study(FOLDERS[folder](large_story), workers=2, partitions=n + 3), single[folder])


@pytest.mark.parametrize("folder", list(FOLDERS))
@pytest.mark.parametrize("size", [2, 5, 1000])
def test_partition_sizes(folder, size, single, large_story):
    # the synchronous scheduler runs the same graph in this process: every partition size, cheaply
    study = Study(FOLDERS[folder](large_story), scheduler="synchronous", partition_size=size)
    assert_same_study(study, single[folder])


def test_default_partition_size_two_processes(single, large_story):
    assert_same_study(Study(large_story, workers=2), single["large"])


def test_distributed_local_cluster(single):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        study = Study(FIXTURES / "synthetic_story", scheduler=cluster.scheduler_address, partition_size=2)
    assert_same_study(study, single["synthetic"])


def test_scheduler_from_environment(single, monkeypatch):
    monkeypatch.setenv(parallel.SCHEDULER_ENV, "synchronous")
    study = Study(FIXTURES / "synthetic_story", partition_size=3)
    assert study.scheduler == "synchronous"
    assert_same_study(study, single["synthetic"])


def test_one_worker_no_scheduler_is_the_single_process_path(monkeypatch):
    monkeypatch.delenv(parallel.SCHEDULER_ENV, raising=False)
    called = []
    monkeypatch.setattr(parallel, "compute_partitions", lambda *a, **k: called.append(1))
    Study(FIXTURES / "synthetic_story")
    assert not called


# --------------------------------------------------------------------------- partitions


def test_partitions_cover_every_article_once_in_order():
    articles = pd.DataFrame({"x": range(7)}, index=[f"a{i}" for i in range(7)])
    for size in (1, 2, 3, 7, 10):
        parts = parallel.partitions(articles, size)
        assert [a for _, rows in parts for a in rows.index] == list(articles.index)
        assert [start for start, _ in parts] == list(range(0, 7, size))
    parts = parallel.partitions(articles, count=10)
    assert len(parts) == 10 and sum(len(rows) for _, rows in parts) == 7
    assert [a for _, rows in parts for a in rows.index] == list(articles.index)


def test_partition_size_from_workers():
    assert parallel.partition_size(10_000, 2) == parallel.MAX_PARTITION
    assert parallel.partition_size(80, 2) == 10
    assert parallel.partition_size(3, 8) == 1
    assert parallel.partition_size(100, 2, 7) == 7


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True])
def test_bad_workers(bad):
    with pytest.raises(parallel.ParallelError, match="workers must be a whole number"):
        parallel.check_workers(bad)


def test_bad_scheduler():
    with pytest.raises(parallel.ParallelError, match="neither a dask.distributed address"):
        parallel.resolve_scheduler("fast please")
    assert parallel.resolve_scheduler("tcp://10.0.0.1:8786") == "tcp://10.0.0.1:8786"
    assert parallel.resolve_scheduler("scheduler:8786") == "scheduler:8786"


def test_in_order_is_stable():
    table = pd.DataFrame({"article": ["b", "a", "b", "a"], "n": [1, 2, 3, 4]})
    assert parallel.in_order(table, ["a", "b"])["n"].tolist() == [2, 4, 1, 3]


# --------------------------------------------------------------------------- the command line


def test_parquet_export_has_the_rows_of_the_csv_export(tmp_path):
    from newslens.__main__ import main

    story = FIXTURES / "synthetic_story"
    assert main(["export", "--data", str(story), "--out", str(tmp_path / "csv")]) == 0
    assert main(["export", "--data", str(story), "--out", str(tmp_path / "pq"), "--format", "parquet", "--workers", "2",
                 "--partition-size", "1"]) == 0
    assert sorted(p.name for p in (tmp_path / "pq").iterdir()) == sorted([f"{n}.parquet" for n in TABLES] + ["newslens-provenance.json"])
    for name in TABLES:
        want = (tmp_path / "csv" / f"{name}.csv").read_bytes()
        got = pd.read_parquet(tmp_path / "pq" / f"{name}.parquet").to_csv(index=False, lineterminator="\n").encode()
        assert got == want, name


def test_parquet_export_combines_empty_and_full_partitions(tmp_path):
    # more partitions than articles: empty partitions write empty files, combined with the others
    from newslens.export import export_partitioned
    from newslens.study import Study

    story = FIXTURES / "synthetic_story"
    study = Study(story)
    export_tables(study, tmp_path / "csv")
    out = tmp_path / "pq"
    out.mkdir()
    export_partitioned(story, out, list(TABLES), articles=study.corpus.articles, codebooks=study._codebooks,
                       scheduler="synchronous", partitions=len(study.articles) + 2)
    for name in TABLES:
        got = pd.read_parquet(out / f"{name}.parquet").to_csv(index=False, lineterminator="\n").encode()
        assert got == (tmp_path / "csv" / f"{name}.csv").read_bytes(), name
    assert not (out / ".parts").exists()


#: Bad inputs of tests/test_bad_input.py whose error is raised while reading, labelling or in the tables
#: (inside a worker when there are several), with the formats tried: each case spawns two worker processes.
WORKER_CASES = [("capture changed", "csv"), ("capture changed", "parquet"), ("capture not UTF-8", "csv"),
                ("capture with no body text", "csv"), ("facts.yml bad regex", "csv"), ("one outlet only (terms)", "csv"),
                ("one outlet only (terms)", "parquet")]


@pytest.mark.parametrize("case, fmt", WORKER_CASES)
def test_bad_input_in_a_worker_gives_the_same_one_line(case, fmt, tmp_path, capsys, monkeypatch):
    import shutil

    from newslens.__main__ import main

    from .test_bad_input import CASES, STORY, snapshot

    monkeypatch.chdir(tmp_path)
    data = tmp_path / "story"
    shutil.copytree(STORY, data)
    CASES[case][0](data, tmp_path)
    before = snapshot(data)
    messages = []
    for extra in ([], ["--workers", "2", "--partition-size", "1", "--format", fmt]):
        capsys.readouterr()
        assert main(["export", "--data", str(data), "--out", str(tmp_path / "out"), *extra]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("newslens: error: "), err
        messages.append(err[0])
    assert messages[1] == messages[0]
    for part in CASES[case][1]:
        assert part in messages[1]
    assert snapshot(data) == before
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("argv, message", [
    (["--workers", "0"], "workers must be a whole number of processes >= 1, got 0"),
    (["--scheduler", "fast"], "scheduler 'fast' is neither a dask.distributed address"),
    (["--partition-size", "0"], "partition size must be a whole number of articles >= 1, got 0"),
    (["--scheduler", "tcp://127.0.0.1:1"], "scheduler tcp://127.0.0.1:1: cannot connect"),
])
def test_bad_parallel_options_give_one_line(argv, message, tmp_path, capsys):
    from newslens.__main__ import main

    assert main(["export", "--data", str(FIXTURES / "synthetic_story"), "--out", str(tmp_path / "out"), *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err


def test_only_the_tables_asked_for_are_computed_in_the_partitions(single):
    study = Study(FIXTURES / "synthetic_story", scheduler="synchronous", partition_size=2, tables=["quotes", "tone"])
    assert "quotes" in study.__dict__ and "tone" in study.__dict__ and "facts" not in study.__dict__
    assert "_term_counts" not in study.__dict__ and "_shingles" not in study.__dict__
    assert_same_study(study, single["synthetic"])  # the others computed on first use, from the concatenated tables
    with pytest.raises(parallel.ParallelError, match="not per-article tables"):
        Study(FIXTURES / "synthetic_story", scheduler="synchronous", tables=["reuse_clusters"])


def test_corpus_wide_stages_reduce_over_the_partitions(single):
    study = Study(FIXTURES / "synthetic_story", scheduler="synchronous", partition_size=2, tables=["terms", "reuse"])
    # the partitions' term counts summed and shingle indexes merged, before any corpus-wide table is asked for
    assert "_term_counts" in study.__dict__ and "_shingles" in study.__dict__ and "quotes" not in study.__dict__
    assert "_term_tables" not in study.__dict__ and "reuse" not in study.__dict__
    whole = single["synthetic"]
    for view in VIEWS:
        got, want = study._term_counts[view], whole._term_counts[view]
        assert got.outlets == want.outlets and got.with_text == want.with_text
        assert list(got.terms) == list(want.terms) and (got.matrix != want.matrix).nnz == 0
    assert (study._shingles.line == whole._shingles.line).all() and (study._shingles.hash == whole._shingles.hash).all()
    assert_same_study(study, whole)


def test_every_export_stage_is_a_per_article_table():
    from newslens.export import TABLE_STAGES, stages_for

    assert set(TABLE_STAGES) <= set(TABLES)
    assert set(stages_for(list(TABLES))) <= set(parallel.PER_ARTICLE)


def test_term_counts_fold_in_any_order_and_batch_gives_the_term_tables(single):
    whole = single["large"]
    articles = whole.corpus.articles
    parts = []
    for start, rows in parallel.partitions(articles, 1):
        lines = whole.lines[whole.lines["article"].isin(rows.index)]
        study = Study.of_partition(whole.data_dir, rows, lines, {"terms": whole.codebook("terms")})
        parts.append({"_term_counts": study._term_counts, "start": start})
    fold = parallel.CountsFold(batch=2)
    for result in reversed(parts):  # arrival order is not manifest order
        fold(result)
        assert "_term_counts" not in result  # taken out: the caller does not keep it
    assert len(parts) > 4 and len(fold.pending) == len(parts) % 2
    from newslens.terms import counts_table

    for view, counts in fold.value().items():
        pd.testing.assert_frame_equal(counts_table(counts, articles, view=view), whole.term_table(view))
