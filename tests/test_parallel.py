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
              "responsibility", "issue_frames", "tone", "labels"]


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
