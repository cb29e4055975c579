"""The changes between two reports list the progress that moved as the reports show it, in
whole percents: a report frozen before progress was kept exact holds 12.3 where a later
one holds 12.25 for the same milestones, and both show 12 %."""

from cogwg.reports.diff import _status_change


def entry(progress, status="on_track"):
    return {"status": status, "progress": progress}


def test_a_change_no_reader_sees_is_no_change():
    assert _status_change(entry(12.3), entry(12.25)) is None
    assert _status_change(entry(40), entry(40.4)) is None


def test_a_change_of_a_whole_percent_or_of_status_is_listed():
    assert _status_change(entry(12.3), entry(12.5)) == {
        "status_before": "on_track",
        "status_after": "on_track",
        "progress_before": 12.3,
        "progress_after": 12.5,
    }
    assert _status_change(entry(12.3), entry(12.3, "delayed"))["status_after"] == "delayed"
    assert _status_change(None, entry(5)) is None
